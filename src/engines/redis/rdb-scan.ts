// Scan an RDB stream as it flows past: count keys (and keys with a TTL) per snapshot, note the RDB
// version, and feed the key sampler. It reads only what it must; values are skipped unless sampled.
// An unknown type or opcode stops the scan (unsupported), it does not fail the backup: redis-server
// may well load the file. A stream that is not an RDB, or that ends early, is an error.
import { RdbFormatError } from './rdb-compact.js';
import { RdbInput } from './rdb-input.js';
import { readValue, RdbUnsupported, skipModuleBody } from './rdb-value.js';
import { rawStringEnd, skipValueAt } from './rdb-fast-skip.js';
import type { KeySampler } from './key-sample.js';

/** Newest RDB version this scanner understands (Redis 7.4 writes 12). */
const MAX_VERSION = 12;

export interface RdbScanOptions {
  sampler?: KeySampler;
  /** Which keys count and may be sampled (restore --only); all when absent. */
  select?: (db: number, key: Buffer) => boolean;
  /** Count keys whose expiry is before this time (ms) as `expired`. */
  now?: number;
}

export interface RdbScanResult {
  /** RDB format version from the header. */
  version: number;
  keys: number;
  /** Keys with a TTL. */
  expires: number;
  /** Keys with a TTL that had passed at `now`. */
  expired: number;
  dbs: number[];
  /** False when the scan stopped at something unsupported: the counts are then partial. */
  complete: boolean;
  /** Why the scan stopped early. */
  unsupported?: string;
  /** Value of the `redis-ver` aux field, when present. */
  redisVersion?: string;
}

export class RdbScanner {
  private readonly input = new RdbInput();
  private readonly run: Generator<void, void, void>;
  private finished = false;
  private db = 0;
  private expireAt: number | undefined;
  private readonly seen = new Set<number>();
  private readonly result: RdbScanResult = { version: 0, keys: 0, expires: 0, expired: 0, dbs: [], complete: false };

  constructor(private readonly options: RdbScanOptions = {}) {
    this.run = this.scan();
  }

  /** Feed the next chunk. Throws RdbFormatError when the stream is not a valid RDB. */
  push(chunk: Buffer): void {
    if (this.finished) return;
    this.input.push(chunk);
    if (this.input.available >= this.input.wanted) this.step();
  }

  /** The stream ended: returns the counts; throws when the RDB is truncated. */
  end(): RdbScanResult {
    if (!this.finished) {
      this.input.ended = true;
      this.step();
    }
    if (!this.result.complete && this.result.unsupported === undefined) {
      throw new RdbFormatError('the RDB ends before its end-of-file marker (truncated)');
    }
    return this.result;
  }

  private step(): void {
    try {
      if (this.run.next().done) this.finished = true;
    } catch (error) {
      this.finished = true;
      if (error instanceof RdbUnsupported) {
        this.result.unsupported = error.message;
        return;
      }
      throw error;
    }
  }

  private *scan(): Generator<void, void, void> {
    const input = this.input;
    const result = this.result;
    const { sampler, select } = this.options;
    const magic = yield* input.bytes(9);
    if (magic.toString('latin1', 0, 5) !== 'REDIS' || !/^\d{4}$/.test(magic.toString('latin1', 5, 9))) {
      throw new RdbFormatError('not an RDB file (no REDIS header)');
    }
    result.version = Number(magic.toString('latin1', 5, 9));
    if (result.version > MAX_VERSION) throw new RdbUnsupported(`RDB version ${result.version} is newer than this version of Strata reads`);
    for (;;) {
      this.skipFast();
      const op = yield* input.u8();
      switch (op) {
        case 0xff:
          if (result.version >= 5) yield* input.skip(8); // CRC64
          result.complete = true;
          result.dbs = [...this.seen].sort((a, b) => a - b);
          return;
        case 0xfe:
          this.db = yield* input.len();
          continue;
        case 0xfd:
          this.expireAt = (yield* input.bytes(4)).readUInt32LE(0) * 1000;
          continue;
        case 0xfc:
          this.expireAt = Number((yield* input.bytes(8)).readBigUInt64LE(0));
          continue;
        case 0xfb:
          yield* input.len();
          yield* input.len();
          continue;
        case 0xfa: {
          const name = yield* input.string(256);
          const value = yield* input.string(256);
          if (name?.toString('latin1') === 'redis-ver' && value) result.redisVersion = value.toString('latin1');
          continue;
        }
        case 0xf9:
          yield* input.skip(1); // LFU frequency
          continue;
        case 0xf8:
          yield* input.len(); // LRU idle time
          continue;
        case 0xf7:
          yield* input.len(); // module id
          yield* input.len(); // "when" opcode
          yield* input.len(); // when
          yield* skipModuleBody(input);
          continue;
        case 0xf5:
          yield* input.skipString(); // function library
          continue;
        case 0xf4:
          yield* input.len(); // slot info (Redis 7.4 cluster)
          yield* input.len();
          yield* input.len();
          continue;
        default:
          break;
      }
      if (op >= 0xf0) throw new RdbUnsupported(`RDB opcode 0x${op.toString(16)} is not known to this version of Strata`);
      const key = yield* input.string();
      if (key === undefined) throw new RdbFormatError('unreadable key name');
      const db = this.db;
      const selected = select ? select(db, key) : true;
      let sample = false;
      if (selected) {
        this.count(db);
        if (this.expireAt === undefined && sampler) sample = sampler.wants(db, key);
      }
      // `key` is a view of bytes already received; later reads never modify them.
      const summary = yield* readValue(input, op, sample);
      if (sample && summary) sampler!.add(db, key, summary);
      this.expireAt = undefined;
    }
  }

  private count(db: number): void {
    const result = this.result;
    if (!this.seen.has(db)) this.seen.add(db);
    result.keys += 1;
    if (this.expireAt !== undefined) {
      result.expires += 1;
      if (this.options.now !== undefined && this.expireAt < this.options.now) result.expired += 1;
    }
  }

  /**
   * Skip every complete, unsampled key record already in the current buffer (see rdb-fast-skip.ts).
   * Stops, leaving the record untouched, at anything else.
   */
  private skipFast(): void {
    const input = this.input;
    const buf = input.buf;
    const { sampler, select } = this.options;
    let pos = input.pos;
    for (;;) {
      let p = pos;
      let expireAt: number | undefined;
      let op = buf[p];
      if (op === undefined) break;
      if (op === 0xfc) {
        if (p + 10 > buf.length) break;
        expireAt = Number(buf.readBigUInt64LE(p + 1));
        p += 9;
        op = buf[p]!;
      } else if (op === 0xfd) {
        if (p + 6 > buf.length) break;
        expireAt = buf.readUInt32LE(p + 1) * 1000;
        p += 5;
        op = buf[p]!;
      }
      if (op >= 0xf0) break;
      const keyEnd = rawStringEnd(buf, p + 1);
      if (keyEnd < 0) break;
      const keyStart = keyEnd - (keyEnd - (p + 1) - headerSize(buf[p + 1]!));
      const end = skipValueAt(buf, keyEnd, op);
      if (end < 0) break;
      const db = this.db;
      let selected = true;
      if (select) selected = select(db, buf.subarray(keyStart, keyEnd));
      if (selected && expireAt === undefined && sampler && sampler.wantsRange(db, buf, keyStart, keyEnd)) break;
      if (selected) {
        this.expireAt = expireAt;
        this.count(db);
        this.expireAt = undefined;
      }
      pos = end;
    }
    input.pos = pos;
  }
}

/** Size of a plain RDB length header, from its first byte. */
function headerSize(first: number): number {
  switch (first >> 6) {
    case 0:
      return 1;
    case 1:
      return 2;
    default:
      return first === 0x81 ? 9 : 5;
  }
}
