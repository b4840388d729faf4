// Tar framing for archives written in one pass: a (ustar + pax when needed) header carrying the entry's
// size, the body, zero padding to a 512-byte block, and two zero blocks at the end. A tar header must
// state the size before the body, so the body writer enforces that exactly that many bytes follow.
import { Header, Pax, type HeaderData } from 'tar';

export const BLOCK = 512;

function headerBlocks(data: HeaderData): Buffer {
  const header = new Header(data);
  header.encode();
  const block = header.block!;
  if (!header.needPax) return block;
  // Long or non-ASCII names and sizes beyond 8 GiB go into a pax extended header first.
  const pax = new Pax({ path: data.path, size: data.size, mtime: data.mtime }).encode();
  return Buffer.concat([pax, block]);
}

export function fileHeader(path: string, size: number, mtime: Date): Buffer {
  return headerBlocks({ path, type: 'File', size, mode: 0o644, uid: 0, gid: 0, mtime });
}

export function directoryHeader(path: string, mtime: Date): Buffer {
  return headerBlocks({ path: path.endsWith('/') ? path : `${path}/`, type: 'Directory', size: 0, mode: 0o755, uid: 0, gid: 0, mtime });
}

export function paddingLength(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

export function padding(size: number): Buffer {
  return Buffer.alloc(paddingLength(size));
}

export function endOfArchive(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

/** A whole small entry (header, body, padding) whose content is already in memory. */
export function fileEntry(path: string, body: Buffer, mtime: Date): Buffer {
  return Buffer.concat([fileHeader(path, body.length, mtime), body, padding(body.length)]);
}

/** Thrown when the bytes offered for an entry do not add up to the size its header announced. */
export class EntrySizeError extends Error {
  constructor(
    message: string,
    readonly announced: number,
    readonly written: number,
  ) {
    super(message);
    this.name = 'EntrySizeError';
  }
}

/**
 * Accounts for the body of an entry whose header is already out: `take` refuses a document that would
 * overrun the announced size, `finish` refuses a body that fell short; either way the archive would be
 * corrupt, so the caller must fail the backup rather than write on.
 */
export class SizedBody {
  private written = 0;

  constructor(
    readonly path: string,
    readonly size: number,
  ) {}

  get remaining(): number {
    return this.size - this.written;
  }

  take(bytes: number): void {
    if (bytes > this.size - this.written) {
      throw new EntrySizeError(`${this.path}: more data than the ${this.size} bytes announced in its header`, this.size, this.written + bytes);
    }
    this.written += bytes;
  }

  /** The padding that closes the entry. */
  finish(): Buffer {
    if (this.written !== this.size) {
      throw new EntrySizeError(`${this.path}: ${this.written} bytes instead of the ${this.size} announced in its header`, this.size, this.written);
    }
    return padding(this.size);
  }
}
