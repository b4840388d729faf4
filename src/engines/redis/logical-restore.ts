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
import { argument, argumentIs, argumentNumber, RespCommandReader, RespStreamError, type CommandView } from './resp-command-reader.js';
import { RespBuilder } from './resp-encode.js';
import { RespError } from './resp-reply.js';
import { digestFromServer } from './sample-read.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

const BATCH_COMMANDS = 1000;
const BATCH_BYTES = 2 << 20;

class Batch {
  private builder = new RespBuilder(256 * 1024);
  /** Where each queued command starts in the builder, to name its key if the server refuses it. */
  private positions: number[] = [];

  constructor(private readonly client: RespClient) {}

  select(db: number): void {
    this.positions.push(this.builder.size);
    this.builder.command(['SELECT', db]);
  }

  /** Queue a RESTORE command exactly as the artifact holds it (validated by the caller). */
  restore(buf: Buffer, start: number, end: number): void {
    this.positions.push(this.builder.size);
    this.builder.raw(buf.subarray(start, end));
  }

  get full(): boolean {
    return this.positions.length >= BATCH_COMMANDS || this.builder.size >= BATCH_BYTES;
  }

  async flush(): Promise<void> {
    if (this.positions.length === 0) return;
    const positions = this.positions;
    this.positions = [];
    const sent = this.builder.take();
    const replies = await this.client.pipelineRaw(sent, positions.length);
    replies.forEach((reply, i) => {
      if (!(reply instanceof RespError)) return;
      const [command] = new RespCommandReader().push(sent.subarray(positions[i]!, positions[i + 1] ?? sent.length));
      const what = command && command.length > 1 && command[0]!.toString('latin1').toUpperCase() === 'RESTORE' ? `RESTORE of key ${quoteKey(command[1]!)}` : 'SELECT';
      throw endpointError(this.client.endpoint, `${what} failed: ${explainRestoreError(reply.message)}`);
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
  const visit = (command: CommandView): void => {
    if (command.argc === 2 && argumentIs(command, 0, 'SELECT')) {
      db = argumentNumber(command, 1);
      if (db < 0) throw new RespStreamError('bad SELECT in the backup stream');
      return;
    }
    const absolute = command.argc === 6;
    if (
      (command.argc !== 5 && !absolute) ||
      !argumentIs(command, 0, 'RESTORE') ||
      !argumentIs(command, 4, 'REPLACE') ||
      (absolute && !argumentIs(command, 5, 'ABSTTL'))
    ) {
      throw new RespStreamError(`unexpected command in the backup stream (only SELECT and RESTORE key ttl payload REPLACE [ABSTTL] are accepted)`);
    }
    const offsets = command.offsets;
    if (selected && !selected(argument(command, 1))) return;
    const ttl = argumentNumber(command, 2);
    if (ttl < 0) throw new RespStreamError('bad RESTORE ttl in the backup stream');
    if (absolute && ttl > 0 && ttl <= Date.now()) {
      counts.expired += 1;
      return;
    }
    const targetDb = mapDb(db);
    if (selectedDb !== targetDb) {
      batch.select(targetDb);
      selectedDb = targetDb;
    }
    batch.restore(command.buf, command.start, command.end);
    counts.keys += 1;
    counts.bytes += offsets[7]! - offsets[6]!;
    if (ttl > 0) counts.expires += 1;
    if (sampler.wantsRange(db, command.buf, offsets[2]!, offsets[3]!)) {
      offerDump(sampler, db, Buffer.from(argument(command, 1)), ttl === 0, Buffer.from(argument(command, 3)));
    }
  };
  for await (const chunk of input as AsyncIterable<Buffer>) {
    if (signal?.aborted) throw new Error('restore aborted');
    reader.each(chunk, visit);
    if (batch.full) await batch.flush();
  }
  reader.end();
  await batch.flush();
  const digest = await digestFromServer(client, sampler.sample, mapDb);
  return { ...counts, sample_digest: digest };
}
