// Synchronous fast path of the RDB scanner: skips whole key records that sit entirely in the current
// buffer, without the generator machinery (about 10× faster on small keys). Any record it cannot
// finish (bytes missing, a sampled key, an unusual type) is left to the generator, untouched.
import { RdbFormatError } from './rdb-compact.js';

const MISSING = -1;

/** Result slot of readLength (avoids an allocation per call). */
let lengthValue = 0;
let lengthEncoded = false;

/** Position after the length at `p`, or MISSING; the length goes to `lengthValue`. */
function readLength(buf: Buffer, p: number): number {
  if (p >= buf.length) return MISSING;
  const first = buf[p]!;
  lengthEncoded = false;
  switch (first >> 6) {
    case 0:
      lengthValue = first & 0x3f;
      return p + 1;
    case 1:
      if (p + 2 > buf.length) return MISSING;
      lengthValue = ((first & 0x3f) << 8) | buf[p + 1]!;
      return p + 2;
    case 2:
      if (first === 0x80) {
        if (p + 5 > buf.length) return MISSING;
        lengthValue = buf.readUInt32BE(p + 1);
        return p + 5;
      }
      if (first === 0x81) {
        if (p + 9 > buf.length) return MISSING;
        lengthValue = Number(buf.readBigUInt64BE(p + 1));
        return p + 9;
      }
      throw new RdbFormatError(`bad length encoding 0x${first.toString(16)}`);
    default:
      lengthEncoded = true;
      lengthValue = first & 0x3f;
      return p + 1;
  }
}

/** Position after the string at `p`, or MISSING. */
export function skipStringAt(buf: Buffer, p: number): number {
  let q = readLength(buf, p);
  if (q === MISSING) return MISSING;
  let end: number;
  if (!lengthEncoded) {
    end = q + lengthValue;
  } else {
    switch (lengthValue) {
      case 0:
        end = q + 1;
        break;
      case 1:
        end = q + 2;
        break;
      case 2:
        end = q + 4;
        break;
      case 3: {
        q = readLength(buf, q);
        if (q === MISSING) return MISSING;
        const compressed = lengthValue;
        q = readLength(buf, q);
        if (q === MISSING) return MISSING;
        end = q + compressed;
        break;
      }
      default:
        throw new RdbFormatError(`unknown string encoding ${lengthValue}`);
    }
  }
  return end <= buf.length ? end : MISSING;
}

/** Position after a plain (not integer/LZF-encoded) string at `p`, its bytes at [returned - length, returned); or MISSING / -2 when encoded. */
export function rawStringEnd(buf: Buffer, p: number): number {
  const q = readLength(buf, p);
  if (q === MISSING) return MISSING;
  if (lengthEncoded) return -2;
  const end = q + lengthValue;
  return end <= buf.length ? end : MISSING;
}

function skipStrings(buf: Buffer, p: number, n: number): number {
  let q = p;
  for (let i = 0; i < n && q !== MISSING; i += 1) q = skipStringAt(buf, q);
  return q;
}

/** Position after a value of `type` at `p`, or MISSING (bytes missing, or a type left to the slow path). */
export function skipValueAt(buf: Buffer, p: number, type: number): number {
  switch (type) {
    case 0:
    case 9:
    case 10:
    case 11:
    case 12:
    case 13:
    case 16:
    case 17:
    case 20:
      return skipStringAt(buf, p);
    case 1:
    case 2:
    case 14: {
      const q = readLength(buf, p);
      return q === MISSING ? MISSING : skipStrings(buf, q, lengthValue);
    }
    case 4: {
      const q = readLength(buf, p);
      return q === MISSING ? MISSING : skipStrings(buf, q, lengthValue * 2);
    }
    case 5: {
      let q = readLength(buf, p);
      const n = lengthValue;
      for (let i = 0; i < n && q !== MISSING; i += 1) {
        q = skipStringAt(buf, q);
        if (q !== MISSING) q = q + 8 <= buf.length ? q + 8 : MISSING;
      }
      return q;
    }
    case 18: {
      let q = readLength(buf, p);
      const n = lengthValue;
      for (let i = 0; i < n && q !== MISSING; i += 1) {
        q = readLength(buf, q);
        if (q !== MISSING) q = skipStringAt(buf, q);
      }
      return q;
    }
    default:
      return MISSING;
  }
}
