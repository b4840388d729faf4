// Restore a logical (RESP) artifact into any Redis: its RESTORE … REPLACE commands are replayed in
// pipelined batches, filtered by --only key patterns, keeping absolute TTLs. Only SELECT and RESTORE
// are accepted from the artifact, so a tampered file cannot run arbitrary commands on the target.
// Keys whose TTL ran out since the backup are skipped and counted as `expired`.
import type { Redis } from 'ioredis';
import type { Readable } from 'node:stream';
import type { SourceStats } from '../../model/manifest.js';
import { createDbMapper } from './db-map.js';
import { KeySampler } from './key-sample.js';
import { createKeyFilter } from './key-pattern.js';
import { quoteKey } from './logical-backup.js';
import { offerDump } from './rdb-value.js';
import { connectClient, closeClient } from './redis-client.js';
import { RespCommandReader, RespStreamError } from './resp-command-reader.js';
import { digestFromServer } from './sample-read.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

const BATCH_COMMANDS = 1000;
const BATCH_BYTES = 8 << 20;

export interface RestoreCounts {
  keys: number;
  expires: number;
  expired: number;
  bytes: number;
}

/** Explain the errors a RESTORE commonly meets. */
export function explainRestoreError(message: string): string {
  if (/payload version or checksum/i.test(message)) {
    return `${message} (the target runs an older Redis than the one the backup came from: DUMP payloads only load into the same or a newer version)`;
  }
  return message;
}

class Batcher {
  private pipeline;
  private commands = 0;
  private bytes = 0;
  private keys: Buffer[] = [];

  constructor(
    private readonly client: Redis,
    private readonly endpoint: RedisEndpoint,
  ) {
    this.pipeline = client.pipeline();
  }

  select(db: number): void {
    this.pipeline.select(db);
    this.keys.push(Buffer.alloc(0));
    this.commands += 1;
  }

  restore(key: Buffer, ttl: Buffer, payload: Buffer, absolute: boolean): void {
    const args: (Buffer | string)[] = [key, ttl, payload, 'REPLACE'];
    if (absolute) args.push('ABSTTL');
    this.pipeline.callBuffer('RESTORE', ...args);
    this.keys.push(key);
    this.commands += 1;
    this.bytes += payload.length;
  }

  get full(): boolean {
    return this.commands >= BATCH_COMMANDS || this.bytes >= BATCH_BYTES;
  }

  async flush(): Promise<void> {
    if (this.commands === 0) return;
    const results = await this.pipeline.exec();
    if (!results) throw endpointError(this.endpoint, 'the RESTORE pipeline was aborted');
    results.forEach(([error], i) => {
      if (error) throw endpointError(this.endpoint, `RESTORE of key ${quoteKey(this.keys[i]!)} failed: ${explainRestoreError(messageOf(error))}`);
    });
    this.pipeline = this.client.pipeline();
    this.commands = 0;
    this.bytes = 0;
    this.keys = [];
  }
}

export async function restoreLogical(input: Readable, target: RedisEndpoint, only: string[] | undefined, signal?: AbortSignal): Promise<SourceStats> {
  const client = await connectClient(target);
  try {
    return await replay(client, input, target, only, signal);
  } catch (error) {
    input.destroy();
    if (messageOf(error).startsWith('redis at ')) throw error;
    if (error instanceof RespStreamError) throw error;
    throw endpointError(target, messageOf(error), error);
  } finally {
    await closeClient(client);
  }
}

async function replay(client: Redis, input: Readable, target: RedisEndpoint, only: string[] | undefined, signal?: AbortSignal): Promise<SourceStats> {
  const reader = new RespCommandReader();
  const selected = createKeyFilter(only ?? []);
  const mapDb = createDbMapper(target.db);
  const sampler = new KeySampler();
  const batch = new Batcher(client, target);
  const counts: RestoreCounts = { keys: 0, expires: 0, expired: 0, bytes: 0 };
  let db = 0;
  let selectedDb: number | undefined;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw new Error('restore aborted');
    for (const args of reader.push(chunk)) {
      const name = args[0]?.toString('latin1').toUpperCase();
      if (name === 'SELECT' && args.length === 2) {
        db = Number(args[1]!.toString('latin1'));
        if (!Number.isInteger(db) || db < 0) throw new RespStreamError(`bad SELECT in the backup stream`);
        continue;
      }
      if (name !== 'RESTORE' || args.length < 5 || args.length > 6) {
        throw new RespStreamError(`unexpected command in the backup stream: ${JSON.stringify((name ?? '').slice(0, 20))} with ${args.length - 1} arguments`);
      }
      const [, key, ttlArg, payload] = args as [Buffer, Buffer, Buffer, Buffer];
      const absolute = args.length === 6;
      if (selected && !selected(key)) continue;
      const ttl = Number(ttlArg.toString('latin1'));
      if (absolute && ttl > 0 && ttl <= Date.now()) {
        counts.expired += 1;
        continue;
      }
      const targetDb = mapDb(db);
      if (selectedDb !== targetDb) {
        batch.select(targetDb);
        selectedDb = targetDb;
      }
      batch.restore(key, ttlArg, payload, absolute);
      counts.keys += 1;
      counts.bytes += payload.length;
      if (ttl > 0) counts.expires += 1;
      offerDump(sampler, db, key, ttl === 0, payload);
      if (batch.full) await batch.flush();
    }
  }
  reader.end();
  await batch.flush();
  const digest = await digestFromServer(client, sampler.sample, mapDb);
  return { ...counts, sample_digest: digest };
}
