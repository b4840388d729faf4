// Compact encodings inside RDB values, read only as far as a sample digest needs: element counts of
// listpacks, ziplists and intsets, and LZF decompression (RDB compresses strings and blobs with LZF).

export class RdbFormatError extends Error {}

/** Decompress an LZF block (liblzf's format, as Redis writes it) into exactly `length` bytes. */
export function lzfDecompress(input: Buffer, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  let ip = 0;
  let op = 0;
  while (ip < input.length) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const run = ctrl + 1;
      if (op + run > length || ip + run > input.length) throw new RdbFormatError('corrupt LZF data (literal run out of bounds)');
      input.copy(out, op, ip, ip + run);
      ip += run;
      op += run;
      continue;
    }
    let run = ctrl >> 5;
    let ref = op - ((ctrl & 0x1f) << 8) - 1;
    if (run === 7) run += input[ip++]!;
    ref -= input[ip++]!;
    run += 2;
    if (ref < 0 || op + run > length) throw new RdbFormatError('corrupt LZF data (back reference out of bounds)');
    for (let i = 0; i < run; i += 1) out[op++] = out[ref++]!;
  }
  if (op !== length) throw new RdbFormatError(`corrupt LZF data (${op} bytes instead of ${length})`);
  return out;
}

function backlenSize(length: number): number {
  if (length <= 127) return 1;
  if (length < 16383) return 2;
  if (length < 2097151) return 3;
  if (length < 268435455) return 4;
  return 5;
}

/** Number of elements in a listpack (walked when the header's 16-bit count saturated). */
export function listpackCount(lp: Buffer): number {
  if (lp.length < 7) throw new RdbFormatError('listpack too short');
  const header = lp.readUInt16LE(4);
  if (header !== 0xffff) return header;
  let pos = 6;
  let count = 0;
  while (pos < lp.length) {
    const b = lp[pos]!;
    if (b === 0xff) return count;
    let size: number;
    if ((b & 0x80) === 0) size = 1;
    else if ((b & 0xc0) === 0x80) size = 1 + (b & 0x3f);
    else if ((b & 0xe0) === 0xc0) size = 2;
    else if ((b & 0xf0) === 0xe0) size = 2 + (((b & 0x0f) << 8) | lp[pos + 1]!);
    else if (b === 0xf0) size = 5 + lp.readUInt32LE(pos + 1);
    else if (b === 0xf1) size = 3;
    else if (b === 0xf2) size = 4;
    else if (b === 0xf3) size = 5;
    else if (b === 0xf4) size = 9;
    else throw new RdbFormatError(`unknown listpack entry encoding 0x${b.toString(16)}`);
    pos += size + backlenSize(size);
    count += 1;
  }
  throw new RdbFormatError('listpack without its end marker');
}

/** Number of entries in a ziplist (walked when the header's 16-bit count saturated). */
export function ziplistCount(zl: Buffer): number {
  if (zl.length < 11) throw new RdbFormatError('ziplist too short');
  const header = zl.readUInt16LE(8);
  if (header !== 0xffff) return header;
  let pos = 10;
  let count = 0;
  while (pos < zl.length) {
    if (zl[pos] === 0xff) return count;
    pos += zl[pos]! < 254 ? 1 : 5;
    const e = zl[pos]!;
    let size: number;
    switch (e >> 6) {
      case 0:
        size = 1 + (e & 0x3f);
        break;
      case 1:
        size = 2 + (((e & 0x3f) << 8) | zl[pos + 1]!);
        break;
      case 2:
        size = 5 + zl.readUInt32BE(pos + 1);
        break;
      default:
        if (e === 0xc0) size = 3;
        else if (e === 0xd0) size = 5;
        else if (e === 0xe0) size = 9;
        else if (e === 0xf0) size = 4;
        else if (e === 0xfe) size = 2;
        else if (e >= 0xf1 && e <= 0xfd) size = 1;
        else throw new RdbFormatError(`unknown ziplist entry encoding 0x${e.toString(16)}`);
    }
    pos += size;
    count += 1;
  }
  throw new RdbFormatError('ziplist without its end marker');
}

export function intsetCount(set: Buffer): number {
  if (set.length < 8) throw new RdbFormatError('intset too short');
  return set.readUInt32LE(4);
}
