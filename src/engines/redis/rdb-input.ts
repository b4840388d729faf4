// Byte input for the RDB scanner: chunks are queued as they arrive and the scanner (a generator)
// pulls from them, yielding when it needs more. Bytes are skipped without being copied, and a read
// of n bytes that straddles chunks copies just those n bytes.
import { lzfDecompress, RdbFormatError } from './rdb-compact.js';

export class RdbTruncated extends RdbFormatError {}

const EMPTY = Buffer.alloc(0);

export class RdbInput {
  buf: Buffer = EMPTY;
  pos = 0;
  private queue: Buffer[] = [];
  private queued = 0;
  /** Bytes the scanner waits for before it can continue. */
  wanted = 0;
  ended = false;
  /** Set by len(): whether the length was a special string encoding. */
  encoded = false;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.pos >= this.buf.length && this.queue.length === 0) {
      this.buf = chunk;
      this.pos = 0;
    } else {
      this.queue.push(chunk);
      this.queued += chunk.length;
    }
  }

  get available(): number {
    return this.buf.length - this.pos + this.queued;
  }

  /** Make n contiguous bytes available at buf[pos]. */
  *need(n: number): Generator<void, void, void> {
    while (this.available < n) {
      if (this.ended) throw new RdbTruncated('the RDB ends in the middle of a record (truncated)');
      this.wanted = n;
      yield;
    }
    this.wanted = 0;
    // Step past an exhausted buffer to the next queued chunk without copying.
    while (this.pos >= this.buf.length && this.queue.length > 0) {
      this.buf = this.queue.shift()!;
      this.queued -= this.buf.length;
      this.pos = 0;
    }
    if (this.buf.length - this.pos >= n) return;
    // The n bytes straddle chunks: join just those, not the whole next chunk (one copy of the stream).
    const parts = [this.buf.subarray(this.pos)];
    let have = parts[0]!.length;
    while (have < n) {
      const next = this.queue[0]!;
      const take = Math.min(next.length, n - have);
      parts.push(next.subarray(0, take));
      have += take;
      this.queued -= take;
      if (take === next.length) this.queue.shift();
      else this.queue[0] = next.subarray(take);
    }
    this.buf = Buffer.concat(parts, n);
    this.pos = 0;
  }

  *skip(n: number): Generator<void, void, void> {
    let left = n;
    for (;;) {
      const have = this.buf.length - this.pos;
      if (have >= left) {
        this.pos += left;
        return;
      }
      left -= have;
      this.pos = this.buf.length;
      const next = this.queue.shift();
      if (next) {
        this.queued -= next.length;
        this.buf = next;
        this.pos = 0;
        continue;
      }
      if (this.ended) throw new RdbTruncated('the RDB ends in the middle of a value (truncated)');
      this.wanted = 1;
      yield;
      this.wanted = 0;
    }
  }

  *u8(): Generator<void, number, void> {
    if (this.buf.length - this.pos < 1) yield* this.need(1);
    return this.buf[this.pos++]!;
  }

  *bytes(n: number): Generator<void, Buffer, void> {
    if (this.buf.length - this.pos < n) yield* this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** An RDB length; for the special string encodings, sets `encoded` and returns the encoding number. */
  *len(): Generator<void, number, void> {
    if (this.buf.length - this.pos < 1) yield* this.need(1);
    const first = this.buf[this.pos]!;
    this.encoded = false;
    switch (first >> 6) {
      case 0:
        this.pos += 1;
        return first & 0x3f;
      case 1: {
        if (this.buf.length - this.pos < 2) yield* this.need(2);
        const value = ((first & 0x3f) << 8) | this.buf[this.pos + 1]!;
        this.pos += 2;
        return value;
      }
      case 2: {
        if (first === 0x80) {
          if (this.buf.length - this.pos < 5) yield* this.need(5);
          const value = this.buf.readUInt32BE(this.pos + 1);
          this.pos += 5;
          return value;
        }
        if (first === 0x81) {
          if (this.buf.length - this.pos < 9) yield* this.need(9);
          const value = Number(this.buf.readBigUInt64BE(this.pos + 1));
          this.pos += 9;
          return value;
        }
        throw new RdbFormatError(`bad length encoding 0x${first.toString(16)}`);
      }
      default:
        this.pos += 1;
        this.encoded = true;
        return first & 0x3f;
    }
  }

  *skipString(): Generator<void, void, void> {
    const n = yield* this.len();
    if (!this.encoded) {
      if (this.buf.length - this.pos >= n) this.pos += n;
      else yield* this.skip(n);
      return;
    }
    switch (n) {
      case 0:
        return yield* this.skip(1);
      case 1:
        return yield* this.skip(2);
      case 2:
        return yield* this.skip(4);
      case 3: {
        const compressed = yield* this.len();
        yield* this.len();
        return yield* this.skip(compressed);
      }
      default:
        throw new RdbFormatError(`unknown string encoding ${n}`);
    }
  }

  /** A string value, decoded (integers as decimal text, LZF decompressed); undefined (and skipped) past `limit` bytes. */
  *string(limit = Infinity): Generator<void, Buffer | undefined, void> {
    const n = yield* this.len();
    if (!this.encoded) {
      if (n > limit) {
        yield* this.skip(n);
        return undefined;
      }
      return yield* this.bytes(n);
    }
    switch (n) {
      case 0: {
        const raw = yield* this.bytes(1);
        return Buffer.from(String(raw.readInt8(0)));
      }
      case 1: {
        const raw = yield* this.bytes(2);
        return Buffer.from(String(raw.readInt16LE(0)));
      }
      case 2: {
        const raw = yield* this.bytes(4);
        return Buffer.from(String(raw.readInt32LE(0)));
      }
      case 3: {
        const compressed = yield* this.len();
        const length = yield* this.len();
        if (compressed > limit || length > limit) {
          yield* this.skip(compressed);
          return undefined;
        }
        return lzfDecompress(yield* this.bytes(compressed), length);
      }
      default:
        throw new RdbFormatError(`unknown string encoding ${n}`);
    }
  }
}
