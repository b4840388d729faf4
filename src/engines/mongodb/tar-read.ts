// A sequential tar reader with pull semantics: the next header is read only after the caller is done
// with the current body, so a slow consumer (database inserts) holds back the stream instead of letting
// it buffer. Handles ustar, pax extended headers (`x`, `g`) and GNU long names (`L`); headers with a bad
// checksum and archives that end early are errors.
import { Header, Pax, type HeaderData } from 'tar';
import { BLOCK, paddingLength } from './tar-frames.js';

export interface TarEntry {
  path: string;
  /** node-tar's type name: File, Directory, SymbolicLink … */
  type: string;
  size: number;
  /** The body, in chunks. Unread bytes are skipped when the next entry is requested. */
  body(): AsyncGenerator<Buffer>;
}

class ChunkReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<Buffer | Uint8Array | string>) {}

  private async fill(min: number): Promise<void> {
    while (this.length < min && !this.ended) {
      const step = await this.source.next();
      if (step.done) {
        this.ended = true;
        break;
      }
      const chunk = typeof step.value === 'string' ? Buffer.from(step.value) : Buffer.isBuffer(step.value) ? step.value : Buffer.from(step.value);
      if (chunk.length === 0) continue;
      this.chunks.push(chunk);
      this.length += chunk.length;
    }
  }

  /** Exactly `n` bytes, or undefined at a clean end of stream; throws if it ends part-way. */
  async exact(n: number, what: string): Promise<Buffer | undefined> {
    await this.fill(n);
    if (this.length === 0 && this.ended) return undefined;
    if (this.length < n) throw new Error(`the archive ends in the middle of ${what}`);
    return this.take(n);
  }

  /** Read the source to its end, discarding it: its producer may still have something to say (an error). */
  async drain(): Promise<void> {
    this.chunks = [];
    this.length = 0;
    while (!this.ended) {
      const step = await this.source.next();
      if (step.done) this.ended = true;
    }
  }

  /** Between 1 and `max` bytes; throws at the end of stream. */
  async some(max: number, what: string): Promise<Buffer> {
    await this.fill(1);
    if (this.length === 0) throw new Error(`the archive ends in the middle of ${what}`);
    return this.take(Math.min(max, this.length));
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.length -= n;
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const part = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, part);
      filled += part;
      if (part === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part);
    }
    this.length -= n;
    return out;
  }
}

async function readBody(reader: ChunkReader, size: number, what: string): Promise<Buffer> {
  const body = (await reader.exact(size, what)) ?? Buffer.alloc(0);
  const pad = paddingLength(size);
  if (pad > 0) await reader.exact(pad, what);
  return body;
}

/** Entries of a tar stream, in order. */
export async function* readTar(input: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<TarEntry> {
  const reader = new ChunkReader(input[Symbol.asyncIterator]());
  let extended: HeaderData = {};
  let global: HeaderData = {};
  for (;;) {
    const block = await reader.exact(BLOCK, 'a header');
    if (!block) throw new Error('the archive ends without its end-of-archive marker');
    if (block.every((byte) => byte === 0)) {
      // End of archive: the rest is zero padding. Read it all the same: a restore verifies its input, which
      // fails (instead of ending) only once it has been read to its end.
      await reader.drain();
      return;
    }
    const header = new Header(block);
    if (!header.cksumValid) throw new Error('the archive holds a header with a bad checksum (corrupt data)');
    const type = header.type;
    const size = header.size ?? 0;
    if (type === 'ExtendedHeader' || type === 'GlobalExtendedHeader') {
      const body = await readBody(reader, size, 'a pax header');
      if (type === 'ExtendedHeader') extended = Pax.parse(body.toString('utf8'), extended, false);
      else global = Pax.parse(body.toString('utf8'), global, true);
      continue;
    }
    if (type === 'NextFileHasLongPath' || type === 'OldGnuLongPath') {
      const body = await readBody(reader, size, 'a long name');
      extended = { ...extended, path: body.toString('utf8').replace(/\0.*$/s, '') };
      continue;
    }
    if (type === 'NextFileHasLongLinkpath') {
      await readBody(reader, size, 'a long link name');
      continue;
    }
    const path = extended.path ?? global.path ?? header.path ?? '';
    const entrySize = type === 'Directory' ? 0 : (extended.size ?? global.size ?? size);
    extended = {};
    let remaining = entrySize;
    const entry: TarEntry = {
      path,
      type,
      size: entrySize,
      body: async function* () {
        while (remaining > 0) {
          const chunk = await reader.some(remaining, path);
          remaining -= chunk.length;
          yield chunk;
        }
      },
    };
    yield entry;
    while (remaining > 0) remaining -= (await reader.some(remaining, path)).length;
    const pad = paddingLength(entrySize);
    if (pad > 0) await reader.exact(pad, path);
  }
}
