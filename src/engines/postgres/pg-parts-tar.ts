// The layout of a multi-database PostgreSQL backup: a plain tar holding each database's `pg_dump -Fc`
// output cut into parts, `<db>.dump.000000`, `<db>.dump.000001`, … (the database name percent-encoded).
// A tar header needs the entry's size before its content and pg_dump's output size is unknown until it
// ends, so each part is buffered (PART_BYTES at most) instead of spooling a whole dump to disk. Standard
// tools reassemble it: `tar -xf data.pgdump.tar && cat app.dump.* > app.dump && pg_restore -d app app.dump`.
import { Header, Pax, type HeaderData } from 'tar';
import type { ChunkReader } from './stream-io.js';

export const PART_BYTES = 16 << 20;
const BLOCK = 512;
const INDEX_DIGITS = 6;
const MAX_PARTS = 10 ** INDEX_DIGITS;

export function partName(database: string, index: number): string {
  return `${encodeURIComponent(database)}.dump.${String(index).padStart(INDEX_DIGITS, '0')}`;
}

export function parsePartName(name: string): { database: string; index: number } | undefined {
  const match = /^([^/]+)\.dump\.(\d{6})$/.exec(name);
  if (!match) return undefined;
  try {
    return { database: decodeURIComponent(match[1]!), index: Number(match[2]) };
  } catch {
    return undefined;
  }
}

function padding(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

function fileHeader(path: string, size: number, mtime: Date): Buffer {
  const data: HeaderData = { path, size, mtime, mode: 0o600, uid: 0, gid: 0, type: 'File' };
  const header = new Header(data);
  header.encode();
  if (!header.needPax) return header.block!;
  return Buffer.concat([new Pax({ path, size, mtime }).encode(), header.block!]);
}

/** Writes the parts tar through `write` (which applies backpressure). */
export class PartsTarWriter {
  private database: string | undefined;
  private index = 0;
  private buffer: Buffer;
  private filled = 0;

  constructor(
    private readonly write: (chunk: Buffer) => Promise<void>,
    private readonly mtime: Date,
    private readonly partBytes = PART_BYTES,
  ) {
    this.buffer = Buffer.allocUnsafe(partBytes);
  }

  startDatabase(database: string): void {
    this.database = database;
    this.index = 0;
    this.filled = 0;
  }

  async add(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const copied = chunk.copy(this.buffer, this.filled, offset);
      this.filled += copied;
      offset += copied;
      if (this.filled === this.partBytes) await this.emitPart();
    }
  }

  async endDatabase(): Promise<void> {
    if (this.filled > 0 || this.index === 0) await this.emitPart();
    this.database = undefined;
  }

  /** The end-of-archive marker: two zero blocks. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(2 * BLOCK));
  }

  private async emitPart(): Promise<void> {
    if (this.database === undefined) throw new Error('PartsTarWriter: no database started');
    if (this.index >= MAX_PARTS) throw new Error(`database ${this.database} needs more than ${MAX_PARTS} parts of ${this.partBytes} bytes`);
    const size = this.filled;
    const body = this.buffer.subarray(0, size);
    // The part goes downstream as is: the next one gets a fresh buffer.
    this.buffer = Buffer.allocUnsafe(this.partBytes);
    this.filled = 0;
    const name = partName(this.database, this.index);
    this.index += 1;
    await this.write(fileHeader(name, size, this.mtime));
    if (size > 0) await this.write(body);
    const pad = padding(size);
    if (pad > 0) await this.write(Buffer.alloc(pad));
  }
}

export interface PartHandler {
  /** Called for every part in order; `body` must be read to the end before the next part is handled. */
  (database: string, index: number, body: AsyncIterable<Buffer>): Promise<void>;
}

/** Read a parts tar, checking that each database's parts are contiguous and numbered from 0. */
export async function readPartsTar(reader: ChunkReader, onPart: PartHandler): Promise<void> {
  let pax: HeaderData | undefined;
  let current: { database: string; next: number } | undefined;
  const seen = new Set<string>();
  for (;;) {
    const block = await reader.readExact(BLOCK);
    if (!block) throw new Error('the archive ends without the tar end-of-archive marker');
    const header = new Header(block, 0, pax);
    if (header.nullBlock) return;
    if (!header.cksumValid) throw new Error('the archive holds a damaged tar header');
    const size = header.size ?? 0;
    if (header.type === 'ExtendedHeader') {
      const text = await reader.readExact(size + padding(size));
      pax = Pax.parse(text!.subarray(0, size).toString('utf8'));
      continue;
    }
    pax = undefined;
    if (header.type === 'GlobalExtendedHeader') {
      await reader.readExact(size + padding(size));
      continue;
    }
    const part = header.type === 'File' || header.type === 'OldFile' ? parsePartName(header.path ?? '') : undefined;
    if (!part) throw new Error(`the archive holds "${header.path}", which is not a database dump part (<db>.dump.NNNNNN)`);
    if (current?.database !== part.database) {
      if (seen.has(part.database)) throw new Error(`the parts of database ${part.database} are not contiguous`);
      seen.add(part.database);
      current = { database: part.database, next: 0 };
    }
    if (part.index !== current.next) throw new Error(`part ${part.index} of database ${part.database} is out of order (expected ${current.next})`);
    current.next += 1;
    let consumed = 0;
    const body = (async function* () {
      for await (const chunk of reader.stream(size)) {
        consumed += chunk.length;
        yield chunk;
      }
    })();
    await onPart(part.database, part.index, body);
    if (consumed < size) for await (const chunk of reader.stream(size - consumed)) void chunk;
    const pad = padding(size);
    if (pad > 0) await reader.readExact(pad);
  }
}
