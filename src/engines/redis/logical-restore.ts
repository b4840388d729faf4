// Restore a logical (RESP) artifact into any Redis: its RESTORE … REPLACE commands are replayed in
// pipelined batches, filtered by --only key patterns, keeping absolute TTLs. Only SELECT and RESTORE
// are accepted from the artifact, so a tampered file cannot run arbitrary commands on the target.
// Keys whose TTL ran out since the backup are skipped and counted as `expired`.
//
// The stream is first spooled to a private file and checked command by command (and the database
// mapping with it); only once it has ended cleanly, which means it matched the manifest (the input
// errors otherwise), is anything sent to the target: a backup that fails its checksum, or ends short,
// leaves the target exactly as it was. With `replace` the target's keys (those matching --only, when
// given) are removed first (clear-target.ts). The spool costs disk space for the uncompressed stream and
// one extra local write and read; memory stays bounded (one batch).
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SourceStats } from '../../model/manifest.js';
import { makeOwnedTempDir, removeOrphanedTempDirs } from '../../exec/owned-temp-dir.js';
import { clearTarget } from './clear-target.js';
import { createDbMapper, type DbMapper } from './db-map.js';
import { KeySampler } from './key-sample.js';
import { createKeyFilter, type KeyPredicate } from './key-pattern.js';
import { quoteKey } from './logical-backup.js';
import { offerDump } from './rdb-value.js';
import { explainRestoreError } from './restore-errors.js';
import { RespClient } from './resp-client.js';
import { argument, argumentIs, argumentNumber, RespCommandReader, RespStreamError, type CommandView } from './resp-command-reader.js';
import { RespBuilder } from './resp-encode.js';
import { RespError } from './resp-reply.js';
import { digestFromServer } from './sample-read.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

const SPOOL_DIR_PREFIX = 'strata-redis-spool-';

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

export interface LogicalRestoreOptions {
  only?: string[];
  /** RestoreRequest.replace: clear the target's keys (those matching `only`) before the replay. */
  replace?: boolean;
  signal?: AbortSignal;
}

export async function restoreLogical(input: Readable, target: RedisEndpoint, options: LogicalRestoreOptions = {}): Promise<SourceStats> {
  // The spool holds the uncompressed backup: a killed restore's is removed by the next one.
  await removeOrphanedTempDirs(SPOOL_DIR_PREFIX);
  const work = await makeOwnedTempDir(SPOOL_DIR_PREFIX);
  try {
    const file = join(work, 'restore.resp');
    try {
      await pipeline(input, checkingTap(options.only, target.db), createWriteStream(file, { mode: 0o600 }));
    } catch (error) {
      // The input's own error (a checksum mismatch, a truncated or malformed stream) says what is wrong;
      // only a database mapping refused by the target URL is about the target.
      throw error instanceof RespStreamError || !/target URL names database/.test(messageOf(error)) ? error : endpointError(target, messageOf(error), error);
    }
    return await applySpool(file, target, options);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function applySpool(file: string, target: RedisEndpoint, options: LogicalRestoreOptions): Promise<SourceStats> {
  const client = await RespClient.connect(target, { signal: options.signal });
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    if (options.replace) await clearTarget(client, { db: target.db, filter: createKeyFilter(options.only ?? []), only: options.only }, options.signal);
    return await replay(client, input, target, options.only, options.signal);
  } catch (error) {
    if (error instanceof RespStreamError || messageOf(error).startsWith('redis at ')) throw error;
    throw endpointError(target, messageOf(error), error);
  } finally {
    input.destroy();
    client.close();
  }
}

type Step = { kind: 'select' | 'skip' | 'expired' } | { kind: 'restore'; ttl: number; targetDb: number };

/**
 * The meaning of each command of the stream: SELECT changes the source database; RESTORE key ttl payload
 * REPLACE [ABSTTL] restores a key into its target database unless --only leaves it out or its absolute TTL
 * has passed. Anything else is refused.
 */
class CommandInterpreter {
  /** The source database of the commands that follow. */
  db = 0;

  constructor(
    private readonly selected: KeyPredicate | undefined,
    private readonly mapDb: DbMapper,
  ) {}

  step(command: CommandView, now: number): Step {
    if (command.argc === 2 && argumentIs(command, 0, 'SELECT')) {
      this.db = argumentNumber(command, 1);
      if (this.db < 0) throw new RespStreamError('bad SELECT in the backup stream');
      return { kind: 'select' };
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
    if (this.selected && !this.selected(argument(command, 1))) return { kind: 'skip' };
    const ttl = argumentNumber(command, 2);
    if (ttl < 0) throw new RespStreamError('bad RESTORE ttl in the backup stream');
    if (absolute && ttl > 0 && ttl <= now) return { kind: 'expired' };
    return { kind: 'restore', ttl, targetDb: this.mapDb(this.db) };
  }
}

/** Passes the stream through unchanged, checking every command (and the database mapping) on the way. */
function checkingTap(only: string[] | undefined, targetDb: number | undefined): Transform {
  const reader = new RespCommandReader();
  const interpreter = new CommandInterpreter(createKeyFilter(only ?? []), createDbMapper(targetDb));
  const now = Date.now();
  const check = (command: CommandView): void => void interpreter.step(command, now);
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      try {
        reader.each(chunk, check);
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback: TransformCallback) {
      try {
        reader.end();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

async function replay(client: RespClient, input: Readable, target: RedisEndpoint, only: string[] | undefined, signal?: AbortSignal): Promise<SourceStats> {
  const reader = new RespCommandReader();
  const mapDb = createDbMapper(target.db);
  const interpreter = new CommandInterpreter(createKeyFilter(only ?? []), mapDb);
  const sampler = new KeySampler();
  const batch = new Batch(client);
  const counts = { keys: 0, expires: 0, expired: 0, bytes: 0 };
  let selectedDb: number | undefined;
  const visit = (command: CommandView): void => {
    const step = interpreter.step(command, Date.now());
    if (step.kind === 'expired') counts.expired += 1;
    if (step.kind !== 'restore') return;
    if (selectedDb !== step.targetDb) {
      batch.select(step.targetDb);
      selectedDb = step.targetDb;
    }
    const offsets = command.offsets;
    batch.restore(command.buf, command.start, command.end);
    counts.keys += 1;
    counts.bytes += offsets[7]! - offsets[6]!;
    if (step.ttl > 0) counts.expires += 1;
    if (sampler.wantsRange(interpreter.db, command.buf, offsets[2]!, offsets[3]!)) {
      offerDump(sampler, interpreter.db, Buffer.from(argument(command, 1)), step.ttl === 0, Buffer.from(argument(command, 3)));
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
