// Encode one entry's header in the pax (POSIX.1-2001) format GNU tar writes with --format=posix: a
// ustar header, preceded by a pax extended header ('x') for what ustar cannot hold exactly: names over
// 255 bytes (or that cannot be split into ustar's 155-byte prefix and 100-byte name), link targets over
// 100 bytes, mtimes with a fraction of a second (to the nanosecond), before 1970 or after 2242, ids over
// 2097151, owner names over 31 bytes, sizes of 8 GiB and more.
// Names are bytes. In the ustar fields every reader takes them as they are. A pax record with bytes
// outside ASCII is marked `hdrcharset=BINARY` (POSIX): otherwise readers convert it as UTF-8, and
// libarchive (bsdtar) normalises it to NFC on the way, so `cafe\u0301` (NFD) and `caf\u00e9` (NFC), two
// files, would be extracted as one; and a name that is not UTF-8 cannot be converted at all. GNU tar
// 1.34 ignores the keyword with a warning and uses the bytes, which is what it should do.
import { BILLION, hasHighBytes, splitNs, TYPE_FLAGS, type TarEntryMeta } from './tar-entry.js';

export const BLOCK = 512;
const NAME_FIELD = 100;
const PREFIX_FIELD = 155;
const OWNER_FIELD = 31;
/** Largest value of an 11-digit octal field (size, mtime): 8 GiB - 1, or 2242-03-16 as a time. */
const MAX_OCTAL_11 = 0o77777777777;
/** Largest value of a 7-digit octal field (uid, gid). */
const MAX_OCTAL_7 = 0o7777777;

export function paddingOf(size: number): number {
  const rest = size % BLOCK;
  return rest === 0 ? 0 : BLOCK - rest;
}

/** A pax time: the exact decimal value (as GNU tar writes it, so `-1.25` is 1.25 s before the epoch). */
export function formatPaxTime(ns: bigint): string {
  const negative = ns < 0n;
  const abs = negative ? -ns : ns;
  const fraction = abs % BILLION;
  const whole = `${negative ? '-' : ''}${abs / BILLION}`;
  return fraction === 0n ? whole : `${whole}.${fraction.toString().padStart(9, '0').replace(/0+$/, '')}`;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let digits = 1;
  while (String(body.length + digits).length > digits) digits += 1;
  return `${body.length + digits}${body}`;
}

/** Split a name into ustar's prefix (≤ 155 bytes) and name (≤ 100 bytes) at a '/', if it can be. */
export function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (name.length <= NAME_FIELD) return { prefix: '', name };
  if (name.length > PREFIX_FIELD + 1 + NAME_FIELD) return undefined;
  // The rightmost '/' that leaves a prefix that fits; a directory's trailing '/' stays with the name.
  for (let slash = name.lastIndexOf('/', PREFIX_FIELD); slash > 0; slash = name.lastIndexOf('/', slash - 1)) {
    const rest = name.length - slash - 1;
    if (rest > NAME_FIELD) return undefined;
    if (rest > 0 && !(rest === 1 && name.endsWith('/'))) return { prefix: name.slice(0, slash), name: name.slice(slash + 1) };
  }
  return undefined;
}

/** The pax records the entry needs (a byte string), or '' when the ustar header holds it all. */
function paxRecordsOf(meta: TarEntryMeta, fullName: string, split: boolean): string {
  let records = '';
  let binary = false;
  const text = (key: string, value: string): void => {
    records += paxRecord(key, value);
    if (hasHighBytes(value)) binary = true;
  };
  if (!split) text('path', fullName);
  if (meta.linkname.length > NAME_FIELD) text('linkpath', meta.linkname);
  if (meta.uname.length > OWNER_FIELD) text('uname', meta.uname);
  if (meta.gname.length > OWNER_FIELD) text('gname', meta.gname);
  if (meta.size > MAX_OCTAL_11) records += paxRecord('size', String(meta.size));
  if (meta.uid > MAX_OCTAL_7) records += paxRecord('uid', String(meta.uid));
  if (meta.gid > MAX_OCTAL_7) records += paxRecord('gid', String(meta.gid));
  const { sec, nsec } = splitNs(meta.mtimeNs);
  if (nsec !== 0n || sec < 0n || sec > BigInt(MAX_OCTAL_11)) records += paxRecord('mtime', formatPaxTime(meta.mtimeNs));
  return binary ? paxRecord('hdrcharset', 'BINARY') + records : records;
}

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(value.toString(8).padStart(width - 1, '0'), offset, width - 1, 'latin1');
  block[offset + width - 1] = 0;
}

function writeField(block: Buffer, offset: number, width: number, value: string): void {
  block.write(value.length > width ? value.slice(0, width) : value, offset, width, 'latin1');
}

interface UstarFields {
  name: string;
  prefix: string;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  uname: string;
  gname: string;
  devmajor: number;
  devminor: number;
}

/** Write a ustar header into a zeroed 512-byte region. Values out of range were moved to pax records. */
function writeUstar(block: Buffer, at: number, fields: UstarFields): void {
  writeField(block, at, 100, fields.name);
  writeOctal(block, at + 100, 8, fields.mode);
  writeOctal(block, at + 108, 8, fields.uid > MAX_OCTAL_7 ? 0 : fields.uid);
  writeOctal(block, at + 116, 8, fields.gid > MAX_OCTAL_7 ? 0 : fields.gid);
  writeOctal(block, at + 124, 12, fields.size > MAX_OCTAL_11 ? 0 : fields.size);
  writeOctal(block, at + 136, 12, Math.min(Math.max(fields.mtime, 0), MAX_OCTAL_11));
  block.write(fields.typeflag, at + 156, 1, 'latin1');
  writeField(block, at + 157, 100, fields.linkname);
  block.write('ustar\x0000', at + 257, 8, 'latin1');
  writeField(block, at + 345, PREFIX_FIELD, fields.prefix);
  if (fields.uname.length <= OWNER_FIELD) writeField(block, at + 265, 32, fields.uname);
  if (fields.gname.length <= OWNER_FIELD) writeField(block, at + 297, 32, fields.gname);
  writeOctal(block, at + 329, 8, fields.devmajor);
  writeOctal(block, at + 337, 8, fields.devminor);
  block.fill(0x20, at + 148, at + 156);
  let sum = 0;
  for (let i = at; i < at + BLOCK; i += 1) sum += block[i]!;
  block.write(`${sum.toString(8).padStart(6, '0')}\x00 `, at + 148, 8, 'latin1');
}

/** Name of the pax header entry itself: ASCII only, so no reader tries to convert it. */
function paxHeaderName(name: string): string {
  const base = name.slice(name.lastIndexOf('/', name.length - 2) + 1).replace(/[^\x21-\x7e]/g, '_');
  return `PaxHeaders/${base}`.slice(0, NAME_FIELD);
}

export interface EncodedHeader {
  /** Bytes the header takes (512, or more with a pax extended header). */
  size: number;
  /** Write the header at `offset` of `target` (the region need not be zeroed). */
  writeTo(target: Buffer, offset: number): void;
}

export function encodeHeader(meta: TarEntryMeta): EncodedHeader {
  const fullName = meta.kind === 'dir' ? `${meta.name}/` : meta.name;
  const split = splitUstarName(fullName);
  const records = paxRecordsOf(meta, fullName, split !== undefined);
  const paxSize = records.length === 0 ? 0 : BLOCK + records.length + paddingOf(records.length);
  const mtime = Number(splitNs(meta.mtimeNs).sec);
  return {
    size: paxSize + BLOCK,
    writeTo(target, offset) {
      target.fill(0, offset, offset + paxSize + BLOCK);
      const common = { mode: meta.mode, mtime, uname: '', gname: '', devmajor: 0, devminor: 0, linkname: '', prefix: '' };
      if (paxSize > 0) {
        writeUstar(target, offset, { ...common, name: paxHeaderName(fullName), typeflag: 'x', mode: 0o644, uid: 0, gid: 0, size: records.length });
        target.write(records, offset + BLOCK, records.length, 'latin1');
      }
      writeUstar(target, offset + paxSize, {
        name: split?.name ?? fullName,
        prefix: split?.prefix ?? '',
        typeflag: TYPE_FLAGS[meta.kind],
        mode: meta.mode,
        uid: meta.uid,
        gid: meta.gid,
        size: meta.kind === 'file' ? meta.size : 0,
        mtime,
        linkname: meta.linkname,
        uname: meta.uname,
        gname: meta.gname,
        devmajor: meta.devmajor,
        devminor: meta.devminor,
      });
    },
  };
}
