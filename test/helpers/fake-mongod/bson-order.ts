// MongoDB's order of BSON values (what `sort` and `$expr` comparisons use): first by canonical type —
// MinKey < undefined < null < numbers < string/symbol < object < array < binData < ObjectId < bool <
// date < timestamp < regex < DBPointer < code < code with scope < MaxKey — then within the type:
// numbers by value across int/long/double/decimal, strings by UTF-8 bytes (no collation), documents
// element by element (type, then field name, then value; shorter first), binData by length, then subtype,
// then bytes. Mirrors the server's canonicalizeBSONType and BSONElement::compareElements.
import { compareNumbers, isNumber, numberKey } from './bson-numbers.js';
import { elementsOf, T, type RawValue } from './raw-bson.js';

/** The server's canonical type rank (bsontypes.h canonicalizeBSONType). */
export function canonicalRank(type: number): number {
  switch (type) {
    case T.minKey:
      return -1;
    case T.undefined:
      return 0;
    case T.null:
      return 5;
    case T.double:
    case T.int32:
    case T.int64:
    case T.decimal:
      return 10;
    case T.string:
    case T.symbol:
      return 15;
    case T.object:
      return 20;
    case T.array:
      return 25;
    case T.binary:
      return 30;
    case T.objectId:
      return 35;
    case T.bool:
      return 40;
    case T.date:
      return 45;
    case T.timestamp:
      return 47;
    case T.regex:
      return 50;
    case T.dbPointer:
      return 55;
    case T.code:
      return 60;
    case T.codeWithScope:
      return 65;
    case T.maxKey:
      return 127;
    default:
      throw new Error(`fake-mongod: unknown BSON type 0x${type.toString(16)}`);
  }
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Bytes of a BSON string value without its length prefix and terminator. */
function stringBytes(value: Buffer, at = 0): Buffer {
  const length = value.readInt32LE(at);
  return value.subarray(at + 4, at + 4 + length - 1);
}

export function compareDocuments(a: Buffer, b: Buffer): number {
  const left = elementsOf(a);
  const right = elementsOf(b);
  for (let i = 0; ; i += 1) {
    const x = left[i];
    const y = right[i];
    if (!x || !y) return x ? 1 : y ? -1 : 0;
    const byType = sign(canonicalRank(x.value.type) - canonicalRank(y.value.type));
    if (byType !== 0) return byType;
    const byName = sign(Buffer.compare(Buffer.from(x.key, 'utf8'), Buffer.from(y.key, 'utf8')));
    if (byName !== 0) return byName;
    const byValue = compareValues(x.value, y.value);
    if (byValue !== 0) return byValue;
  }
}

function cstringsOf(value: Buffer): [Buffer, Buffer] {
  const first = value.indexOf(0);
  const second = value.indexOf(0, first + 1);
  return [value.subarray(0, first), value.subarray(first + 1, second)];
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareValues(a: RawValue, b: RawValue): number {
  const byType = sign(canonicalRank(a.type) - canonicalRank(b.type));
  if (byType !== 0) return byType;
  switch (canonicalRank(a.type)) {
    case -1:
    case 0:
    case 5:
    case 127:
      return 0;
    case 10:
      return compareNumbers(a, b);
    case 15:
    case 60:
      return sign(Buffer.compare(stringBytes(a.bytes), stringBytes(b.bytes)));
    case 20:
    case 25:
      return compareDocuments(a.bytes, b.bytes);
    case 30: {
      const la = a.bytes.readInt32LE(0);
      const lb = b.bytes.readInt32LE(0);
      if (la !== lb) return sign(la - lb);
      if (a.bytes[4] !== b.bytes[4]) return sign(a.bytes[4]! - b.bytes[4]!);
      return sign(Buffer.compare(a.bytes.subarray(5), b.bytes.subarray(5)));
    }
    case 35:
      return sign(Buffer.compare(a.bytes, b.bytes));
    case 40:
      return sign(a.bytes[0]! - b.bytes[0]!);
    case 45: {
      const x = a.bytes.readBigInt64LE(0);
      const y = b.bytes.readBigInt64LE(0);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 47: {
      const x = a.bytes.readBigUInt64LE(0);
      const y = b.bytes.readBigUInt64LE(0);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 50: {
      const [pa, fa] = cstringsOf(a.bytes);
      const [pb, fb] = cstringsOf(b.bytes);
      return sign(Buffer.compare(pa, pb)) || sign(Buffer.compare(fa, fb));
    }
    case 55:
      return sign(Buffer.compare(a.bytes, b.bytes));
    case 65: {
      // code with scope: int32 total, string code, document scope
      const byCode = sign(Buffer.compare(stringBytes(a.bytes, 4), stringBytes(b.bytes, 4)));
      if (byCode !== 0) return byCode;
      const scopeA = a.bytes.subarray(4 + 4 + a.bytes.readInt32LE(4));
      const scopeB = b.bytes.subarray(4 + 4 + b.bytes.readInt32LE(4));
      return compareDocuments(scopeA, scopeB);
    }
    default:
      throw new Error(`fake-mongod: cannot compare BSON type 0x${a.type.toString(16)}`);
  }
}

export function valuesEqual(a: RawValue, b: RawValue): boolean {
  return compareValues(a, b) === 0;
}

/** A string that is equal exactly for values that compare equal: a key for unique indexes and groups. */
export function equalityKey(value: RawValue): string {
  const rank = canonicalRank(value.type);
  if (isNumber(value)) return `10:${numberKey(value)}`;
  if (rank === 15) return `15:${stringBytes(value.bytes).toString('hex')}`;
  if (rank === 20 || rank === 25) {
    const parts = elementsOf(value.bytes).map((e) => `${canonicalRank(e.value.type)}/${Buffer.from(e.key).toString('hex')}/${equalityKey(e.value)}`);
    return `${rank}:{${parts.join(',')}}`;
  }
  return `${rank}:${value.bytes.toString('hex')}`;
}
