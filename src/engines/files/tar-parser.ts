// A push tar reader for restores: feed it chunks as they arrive, it calls the handler synchronously with
// each entry's metadata and then its content, so memory stays bounded whatever the file sizes. Reads
// ustar, GNU (long names 'L'/'K') and pax ('x', 'g') headers, base-256 numbers, and pax times to the
// nanosecond with GNU tar's meaning (`-1.25` is 1.25 s before the epoch). Names stay bytes (see
// tar-entry.ts). A bad checksum, an unknown entry type or an archive that ends early is an error; nothing
// is guessed.
import { BILLION, type EntryKind, type TarEntryMeta } from './tar-entry.js';
import { BLOCK, paddingOf } from './tar-header-encode.js';

export interface EntrySink {
  write(chunk: Buffer): void;
  end(): void;
}

export interface ParserHandler {
  /** A new entry; return a sink for its content (regular files), or undefined to skip the content. */
  entry(meta: TarEntryMeta): EntrySink | undefined;
}

const KINDS: Record<string, EntryKind> = { '0': 'file', '\0': 'file', '7': 'file', '1': 'link', '2': 'symlink', '3': 'char', '4': 'block', '5': 'dir', '6': 'fifo' };
/** Extended headers larger than this are refused: a pax header holds names and numbers, not data. */
const MAX_EXTENDED = 1 << 20;

const ZERO_BLOCK = Buffer.alloc(BLOCK);

export class TarFormatError extends Error {}

function field(block: Buffer, offset: number, length: number): string {
  const end = block.indexOf(0, offset);
  return block.toString('latin1', offset, end === -1 || end > offset + length ? offset + length : end);
}

function parseNumber(block: Buffer, offset: number, length: number, what: string): bigint {
  const first = block[offset]!;
  if (first & 0x80) {
    // base-256 (GNU): big-endian two's complement; 0xff starts a negative number.
    let value = first === 0xff ? -1n : BigInt(first & 0x7f);
    for (let i = 1; i < length; i += 1) value = (value << 8n) | BigInt(block[offset + i]!);
    return value;
  }
  const text = field(block, offset, length).trim();
  if (text === '') return 0n;
  if (!/^[0-7]+$/.test(text)) throw new TarFormatError(`the tar header's ${what} field is not a number: "${text}"`);
  return BigInt(`0o${text}`);
}

/** A pax time as nanoseconds: the exact decimal value, sign applied to the whole number. */
export function parsePaxTime(value: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(value);
  if (!match) throw new TarFormatError(`the pax time "${value}" is not a number`);
  const ns = BigInt(match[2]!) * BILLION + BigInt((match[3] ?? '').slice(0, 9).padEnd(9, '0'));
  return match[1] === '-' ? -ns : ns;
}

function parsePaxRecords(body: Buffer, into: Map<string, string>): void {
  let pos = 0;
  while (pos < body.length) {
    if (body[pos] === 0) break; // padding some writers leave
    const space = body.indexOf(0x20, pos);
    const length = space === -1 ? NaN : Number(body.toString('latin1', pos, space));
    if (!Number.isInteger(length) || length <= 0 || pos + length > body.length || body[pos + length - 1] !== 0x0a) {
      throw new TarFormatError('a pax extended header is malformed');
    }
    const record = body.toString('latin1', space + 1, pos + length - 1);
    const equals = record.indexOf('=');
    if (equals <= 0) throw new TarFormatError('a pax extended header record has no key');
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    // An empty value deletes the keyword (POSIX).
    if (value === '') into.delete(key);
    else into.set(key, value);
    pos += length;
  }
}

function checksumMatches(block: Buffer): boolean {
  const stored = Number(parseNumber(block, 148, 8, 'checksum'));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i += 1) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

type State = { kind: 'header' } | { kind: 'body'; left: number; pad: number; sink?: EntrySink } | { kind: 'extended'; type: string; size: number; parts: Buffer[]; got: number } | { kind: 'ended' };

export class TarParser {
  private state: State = { kind: 'header' };
  private readonly header = Buffer.alloc(BLOCK);
  private headerFill = 0;
  private readonly globalPax = new Map<string, string>();
  private pax = new Map<string, string>();
  private longName: string | undefined;
  private longLink: string | undefined;

  constructor(private readonly handler: ParserHandler) {}

  get ended(): boolean {
    return this.state.kind === 'ended';
  }

  write(chunk: Buffer): void {
    let pos = 0;
    while (pos < chunk.length) {
      const state = this.state;
      if (state.kind === 'ended') return; // what follows the end marker (GNU tar's record padding) is ignored
      if (state.kind === 'header') {
        const take = Math.min(BLOCK - this.headerFill, chunk.length - pos);
        chunk.copy(this.header, this.headerFill, pos, pos + take);
        this.headerFill += take;
        pos += take;
        if (this.headerFill === BLOCK) {
          this.headerFill = 0;
          this.onHeader();
        }
      } else if (state.kind === 'body') {
        if (state.left > 0) {
          const take = Math.min(state.left, chunk.length - pos);
          state.sink?.write(chunk.subarray(pos, pos + take));
          state.left -= take;
          pos += take;
          if (state.left === 0) state.sink?.end();
        } else {
          const take = Math.min(state.pad, chunk.length - pos);
          state.pad -= take;
          pos += take;
        }
        if (state.left === 0 && state.pad === 0) this.state = { kind: 'header' };
      } else {
        const take = Math.min(state.size + paddingOf(state.size) - state.got, chunk.length - pos);
        state.parts.push(chunk.subarray(pos, pos + take));
        state.got += take;
        pos += take;
        if (state.got === state.size + paddingOf(state.size)) this.onExtended(state.type, Buffer.concat(state.parts).subarray(0, state.size));
      }
    }
  }

  /** The input ended: throws unless the archive was complete (end-of-archive marker seen). */
  finish(): void {
    if (this.state.kind !== 'ended') {
      throw new TarFormatError('the archive ends before its end-of-archive marker: it is truncated');
    }
  }

  private onHeader(): void {
    const block = this.header;
    if (block.equals(ZERO_BLOCK)) {
      this.state = { kind: 'ended' };
      return;
    }
    if (!checksumMatches(block)) throw new TarFormatError('a tar header has a bad checksum: the archive is damaged');
    const type = String.fromCharCode(block[156]!);
    const size = Number(parseNumber(block, 124, 12, 'size'));
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > MAX_EXTENDED) throw new TarFormatError(`an extended tar header of ${size} bytes is larger than any name or attribute`);
      this.state = { kind: 'extended', type, size, parts: [], got: 0 };
      if (size === 0) this.onExtended(type, Buffer.alloc(0));
      return;
    }
    const meta = this.entryOf(block, type, size);
    const sink = this.handler.entry(meta);
    const bodySize = meta.kind === 'file' || meta.kind === 'link' ? meta.size : 0;
    // A hard link normally has no content; one that has (pax with size) is skipped like GNU tar does.
    const content = meta.kind === 'file' ? sink : undefined;
    this.state = { kind: 'body', left: bodySize, pad: paddingOf(bodySize), sink: content };
    if (bodySize === 0) {
      content?.end();
      this.state = { kind: 'header' };
    }
  }

  private onExtended(type: string, body: Buffer): void {
    this.state = { kind: 'header' };
    if (type === 'x') parsePaxRecords(body, this.pax);
    else if (type === 'g') parsePaxRecords(body, this.globalPax);
    else {
      const end = body.indexOf(0);
      const value = body.toString('latin1', 0, end === -1 ? body.length : end);
      if (type === 'L') this.longName = value;
      else this.longLink = value;
    }
  }

  private entryOf(block: Buffer, type: string, headerSize: number): TarEntryMeta {
    const pax = new Map([...this.globalPax, ...this.pax]);
    this.pax = new Map();
    const longName = this.longName;
    const longLink = this.longLink;
    this.longName = undefined;
    this.longLink = undefined;
    if ([...pax.keys()].some((key) => key.startsWith('GNU.sparse.'))) {
      throw new TarFormatError('the archive holds a GNU sparse entry (tar --sparse), which Strata does not read; extract it with GNU tar');
    }
    let kind = KINDS[type];
    const ustar = block.toString('latin1', 257, 263) === 'ustar\0';
    const prefix = ustar ? field(block, 345, 155) : '';
    let name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    if (kind === undefined) throw new TarFormatError(`the archive holds an entry of tar type "${type.replace(/[^\x20-\x7e]/g, '?')}" (${name}), which Strata does not restore`);
    if (name.endsWith('/') && kind === 'file') kind = 'dir';
    if (name.length > 1) name = name.replace(/\/+$/, '');
    const number = (key: string, offset: number, length: number, what: string): bigint => {
      const value = pax.get(key);
      if (value === undefined) return parseNumber(block, offset, length, what);
      if (!/^\d+$/.test(value)) throw new TarFormatError(`the pax ${key} "${value}" is not a number`);
      return BigInt(value);
    };
    const mtime = pax.get('mtime');
    return {
      name,
      kind,
      mode: Number(parseNumber(block, 100, 8, 'mode') & 0o7777n),
      uid: Number(number('uid', 108, 8, 'uid')),
      gid: Number(number('gid', 116, 8, 'gid')),
      uname: pax.get('uname') ?? field(block, 265, 32),
      gname: pax.get('gname') ?? field(block, 297, 32),
      size: pax.has('size') ? Number(number('size', 124, 12, 'size')) : headerSize,
      mtimeNs: mtime !== undefined ? parsePaxTime(mtime) : parseNumber(block, 136, 12, 'mtime') * BILLION,
      linkname: pax.get('linkpath') ?? longLink ?? field(block, 157, 100),
      devmajor: Number(parseNumber(block, 329, 8, 'devmajor')),
      devminor: Number(parseNumber(block, 337, 8, 'devminor')),
    };
  }
}
