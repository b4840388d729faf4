// A logical (RESP) backup restored to a directory: the command stream is written as a file for
// `redis-cli --pipe < file`, counted on the way (its keys, TTLs and sample digest).
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SourceStats } from '../../model/manifest.js';
import type { RestoreRequest } from '../engine.js';
import { digestSample, KeySampler } from './key-sample.js';
import { offerDump } from './rdb-value.js';
import { RespCommandReader } from './resp-command-reader.js';

export const RESP_FILE_NAME = 'redis-restore.resp';

export async function restoreRespToFile(request: RestoreRequest, input: Readable): Promise<SourceStats> {
  if (request.only && request.only.length > 0) {
    throw new Error('--only needs a redis:// target: a restore into a directory writes the whole command file');
  }
  const target = resolve(request.target);
  const file = target.endsWith('.resp') ? target : join(target, RESP_FILE_NAME);
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.strata-tmp-${randomBytes(4).toString('hex')}`;
  const reader = new RespCommandReader();
  const sampler = new KeySampler();
  const now = Date.now();
  const stats = { keys: 0, expires: 0, expired: 0, bytes: 0 };
  let db = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        for (const args of reader.push(chunk)) {
          const name = args[0]?.toString('latin1').toUpperCase();
          if (name === 'SELECT') db = Number(args[1]?.toString('latin1'));
          if (name !== 'RESTORE' || args.length < 5) continue;
          const ttl = Number(args[2]!.toString('latin1'));
          if (args.length === 6 && ttl > 0 && ttl <= now) {
            stats.expired += 1; // redis-server will not create it
            continue;
          }
          stats.keys += 1;
          stats.bytes += args[3]!.length;
          if (ttl > 0) stats.expires += 1;
          offerDump(sampler, db, args[1]!, ttl === 0, args[3]!);
        }
        callback(null, chunk);
      } catch (error) {
        callback(error as Error);
      }
    },
    flush(callback) {
      try {
        reader.end();
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
  try {
    await pipeline(input, count, createWriteStream(temp, { mode: 0o600 }));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await rename(temp, file);
  return { ...stats, sample_digest: digestSample(sampler.sample) };
}
