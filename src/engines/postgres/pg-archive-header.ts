// The first bytes of a pg_dump custom-format archive (pg_backup_archiver.c, WriteHead/ReadHead): magic,
// version, integer sizes, format, compression, creation time and the dumped database's name. A restore
// reads them to tell a single dump from a multi-database tar and to learn which database a dump holds.

export interface DumpHeader {
  version: string;
  /** 1 is the custom format (-Fc). */
  format: number;
  dbname?: string;
}

export const DUMP_MAGIC = 'PGDMP';

/** Enough bytes to hold any header: a database name is at most 63 bytes. */
export const DUMP_HEADER_BYTES = 512;

export function looksLikeCustomDump(head: Buffer): boolean {
  return head.subarray(0, DUMP_MAGIC.length).toString('latin1') === DUMP_MAGIC;
}

export function looksLikeTar(head: Buffer): boolean {
  return head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar';
}

/** Parse the header; undefined fields when the archive is too old to carry them. Throws when it is not a dump. */
export function parseDumpHeader(head: Buffer): DumpHeader {
  if (!looksLikeCustomDump(head)) throw new Error('not a pg_dump archive (no PGDMP magic)');
  let at = DUMP_MAGIC.length;
  const byte = (): number => {
    if (at >= head.length) throw new Error('the pg_dump archive header is truncated');
    return head[at++]!;
  };
  const vmaj = byte();
  const vmin = byte();
  const vrev = vmaj > 1 || (vmaj === 1 && vmin > 0) ? byte() : 0;
  const version = `${vmaj}.${vmin}-${vrev}`;
  const atLeast = (maj: number, min: number): boolean => vmaj > maj || (vmaj === maj && vmin >= min);
  const intSize = byte();
  if (atLeast(1, 7)) byte(); // offSize
  const format = byte();
  if (!atLeast(1, 10)) return { version, format };
  const readInt = (): number => {
    const negative = byte() !== 0;
    let value = 0;
    for (let i = 0; i < intSize; i += 1) value += byte() * 2 ** (8 * i);
    return negative ? -value : value;
  };
  if (atLeast(1, 15)) byte(); // compression algorithm
  else readInt(); // compression level
  for (let i = 0; i < 7; i += 1) readInt(); // creation time: sec, min, hour, mday, mon, year, isdst
  const length = readInt();
  if (length < 0) return { version, format };
  if (at + length > head.length) throw new Error('the pg_dump archive header is truncated');
  const dbname = head.subarray(at, at + length).toString('utf8');
  return { version, format, dbname };
}
