// Encode one entry's header as GNU tar's pax (POSIX.1-2001) format does: a ustar header, preceded by a
// pax extended header ('x') for what ustar cannot hold exactly: names over 100 bytes or non-ASCII UTF-8
// names (the `path`/`linkpath` records are UTF-8 by definition), mtimes with a fraction of a second (to
// the nanosecond), before 1970 or after 2242, ids over 2097151, owner names over 31 bytes, sizes of 8 GiB
// and more. A name that is not valid UTF-8 stays raw in the ustar field when it fits; in a pax record it
// is flagged `hdrcharset=BINARY` (POSIX; libarchive reads it, GNU tar ignores it with a warning and uses
// the bytes as they are).
import { BILLION, hasHighBytes, isValidUtf8, splitNs, TYPE_FLAGS, type TarEntryMeta } from './tar-entry.js';

export const BLOCK = 512;
const NAME_FIELD = 100;
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

/** Whether a name or link target must go into a pax record. */
function needsPaxName(value: string, field: number): boolean {
  return value.length > field || (hasHighBytes(value) && isValidUtf8(value));
}

/** The pax records the entry needs (a byte string), or '' when the ustar header holds it all. */
function paxRecordsOf(meta: TarEntryMeta, fullName: string): string {
  let records = '';
  let binary = false;
  const text = (key: string, value: string, field: number): void => {
    if (!needsPaxName(value, field)) return;
    records += paxRecord(key, value);
    if (!isValidUtf8(value)) binary = true;
  };
  text('path', fullName, NAME_FIELD);
  text('linkpath', meta.linkname, NAME_FIELD);
  text('uname', meta.uname, OWNER_FIELD);
  text('gname', meta.gname, OWNER_FIELD);
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
  const records = paxRecordsOf(meta, fullName);
  const paxSize = records.length === 0 ? 0 : BLOCK + records.length + paddingOf(records.length);
  const mtime = Number(splitNs(meta.mtimeNs).sec);
  return {
    size: paxSize + BLOCK,
    writeTo(target, offset) {
      target.fill(0, offset, offset + paxSize + BLOCK);
      const common = { mode: meta.mode, mtime, uname: '', gname: '', devmajor: 0, devminor: 0, linkname: '' };
      if (paxSize > 0) {
        writeUstar(target, offset, { ...common, name: paxHeaderName(fullName), typeflag: 'x', mode: 0o644, uid: 0, gid: 0, size: records.length });
        target.write(records, offset + BLOCK, records.length, 'latin1');
      }
      writeUstar(target, offset + paxSize, {
        name: fullName,
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
