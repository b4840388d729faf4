// Restore a logical (RESP) artifact into any Redis: its RESTORE … REPLACE commands are replayed in
// pipelined batches, filtered by --only key patterns, keeping absolute TTLs. Only SELECT and RESTORE
// are accepted from the artifact, so a tampered file cannot run arbitrary commands on the target.
// Keys whose TTL ran out since the backup are skipped and counted as `expired`.
import type { Readable } from 'node:stream';
import type { SourceStats } from '../../model/manifest.js';
import { createDbMapper } from './db-map.js';
import { KeySampler } from './key-sample.js';
import { createKeyFilter } from './key-pattern.js';
import { quoteKey } from './logical-backup.js';
import { offerDump } from './rdb-value.js';
import { explainRestoreError } from './restore-errors.js';
import { RespClient } from './resp-client.js';
import { RespCommandReader, RespStreamError } from './resp-command-reader.js';
import { RespBuilder } from './resp-encode.js';
import { RespError } from './resp-reply.js';
import { digestFromServer } from './sample-read.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

const BATCH_COMMANDS = 1000;
const BATCH_BYTES = 8 << 20;

class Batch {
  private builder = new RespBuilder(1 << 20);
  /** Key of each queued command (undefined for SELECT), to name it in errors. */
  private keys: (Buffer | undefined)[] = [];

  constructor(private readonly client: RespClient) {}

  select(db: number): void {
    this.builder.command(['SELECT', db]);
    this.keys.push(undefined);
  }

  restore(key: Buffer, ttl: Buffer, payload: Buffer, absolute: boolean): void {
    this.builder.command(absolute ? ['RESTORE', key, ttl, payload, 'REPLACE', 'ABSTTL'] : ['RESTORE', key, ttl, payload, 'REPLACE']);
    this.keys.push(key);
  }

  get full(): boolean {
    return this.keys.length >= BATCH_COMMANDS || this.builder.size >= BATCH_BYTES;
  }

  async flush(): Promise<void> {
    if (this.keys.length === 0) return;
    const keys = this.keys;
    this.keys = [];
    const replies = await this.client.pipelineRaw(this.builder.take(), keys.length);
    replies.forEach((reply, i) => {
      if (!(reply instanceof RespError)) return;
      const key = keys[i];
      throw endpointError(this.client.endpoint, `${key ? `RESTORE of key ${quoteKey(key)}` : 'SELECT'} failed: ${explainRestoreError(reply.message)}`);
    });
  }
}

export async function restoreLogical(input: Readable, target: RedisEndpoint, only: string[] | undefined, signal?: AbortSignal): Promise<SourceStats> {
  const client = await RespClient.connect(target, { signal });
  try {
    return await replay(client, input, target, only, signal);
  } catch (error) {
    input.destroy();
    if (error instanceof RespStreamError || messageOf(error).startsWith('redis at ')) throw error;
    throw endpointError(target, messageOf(error), error);
  } finally {
    client.close();
  }
}

async function replay(client: RespClient, input: Readable, target: RedisEndpoint, only: string[] | undefined, signal?: AbortSignal): Promise<SourceStats> {
  const reader = new RespCommandReader();
  const selected = createKeyFilter(only ?? []);
  const mapDb = createDbMapper(target.db);
  const sampler = new KeySampler();
  const batch = new Batch(client);
  const counts = { keys: 0, expires: 0, expired: 0, bytes: 0 };
  let db = 0;
  let selectedDb: number | undefined;
  for await (const chunk of input as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw new Error('restore aborted');
    for (const args of reader.push(chunk)) {
      const name = args[0]?.toString('latin1').toUpperCase();
      if (name === 'SELECT' && args.length === 2) {
        db = Number(args[1]!.toString('latin1'));
        if (!Number.isInteger(db) || db < 0) throw new RespStreamError('bad SELECT in the backup stream');
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
