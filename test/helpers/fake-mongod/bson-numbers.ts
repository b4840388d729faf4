// Numbers compared by value across int32, int64, double and decimal128, exactly (no rounding through
// JavaScript doubles): every finite value becomes n / 10^scale with a BigInt n. NaN sorts below every
// other number and equals itself, as in MongoDB.
import { Decimal128 } from 'mongodb';
import { T, type RawValue } from './raw-bson.js';

type Exact = { kind: 'nan' } | { kind: 'inf'; sign: 1 | -1 } | { kind: 'finite'; n: bigint; scale: number };

function fromDouble(value: number): Exact {
  if (Number.isNaN(value)) return { kind: 'nan' };
  if (!Number.isFinite(value)) return { kind: 'inf', sign: value > 0 ? 1 : -1 };
  if (value === 0) return { kind: 'finite', n: 0n, scale: 0 };
  // value = mantissa * 2^exponent, with an integer mantissa.
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const signed = negative ? -mantissa : mantissa;
  if (exponent >= 0) return { kind: 'finite', n: signed << BigInt(exponent), scale: 0 };
  // m / 2^k = m * 5^k / 10^k
  const k = -exponent;
  return { kind: 'finite', n: signed * 5n ** BigInt(k), scale: k };
}

function fromDecimalString(text: string): Exact {
  if (/nan/i.test(text)) return { kind: 'nan' };
  if (/inf/i.test(text)) return { kind: 'inf', sign: text.startsWith('-') ? -1 : 1 };
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:E([+-]?\d+))?$/i.exec(text);
  if (!match) throw new Error(`fake-mongod: cannot read decimal ${text}`);
  const [, sign, whole = '', frac = '', exp = '0'] = match;
  let n = BigInt(`${whole}${frac}` || '0');
  if (sign === '-') n = -n;
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    n *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { kind: 'finite', n, scale };
}

export function isNumber(value: RawValue): boolean {
  return value.type === T.int32 || value.type === T.int64 || value.type === T.double || value.type === T.decimal;
}

function exactOf(value: RawValue): Exact {
  switch (value.type) {
    case T.int32:
      return { kind: 'finite', n: BigInt(value.bytes.readInt32LE(0)), scale: 0 };
    case T.int64:
      return { kind: 'finite', n: value.bytes.readBigInt64LE(0), scale: 0 };
    case T.double:
      return fromDouble(value.bytes.readDoubleLE(0));
    case T.decimal:
      return fromDecimalString(new Decimal128(value.bytes).toString());
    default:
      throw new Error(`fake-mongod: BSON type 0x${value.type.toString(16)} is not a number`);
  }
}

function rank(e: Exact): number {
  if (e.kind === 'nan') return 0;
  if (e.kind === 'inf') return e.sign === -1 ? 1 : 3;
  return 2;
}

export function compareNumbers(a: RawValue, b: RawValue): number {
  const x = exactOf(a);
  const y = exactOf(b);
  const rx = rank(x);
  const ry = rank(y);
  if (rx !== ry || x.kind !== 'finite' || y.kind !== 'finite') return Math.sign(rx - ry);
  const scale = Math.max(x.scale, y.scale);
  const left = x.n * 10n ** BigInt(scale - x.scale);
  const right = y.n * 10n ** BigInt(scale - y.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A string equal for numbers that compare equal (1, 1.0, NumberLong(1), NumberDecimal("1.00")). */
export function numberKey(value: RawValue): string {
  const e = exactOf(value);
  if (e.kind !== 'finite') return e.kind === 'nan' ? 'nan' : `inf${e.sign}`;
  let { n, scale } = e;
  while (scale > 0 && n % 10n === 0n) {
    n /= 10n;
    scale -= 1;
  }
  return `${n}e-${scale}`;
}

/** A number as a JavaScript number (for sums and sizes in the fake's small aggregations). */
export function toJsNumber(value: RawValue): number {
  const e = exactOf(value);
  if (e.kind === 'nan') return Number.NaN;
  if (e.kind === 'inf') return e.sign * Number.POSITIVE_INFINITY;
  return Number(e.n) / 10 ** e.scale;
}

/** Whether a number is integral, and its value as a BigInt when it is. */
export function integerOf(value: RawValue): bigint | undefined {
  const e = exactOf(value);
  if (e.kind !== 'finite') return undefined;
  const divisor = 10n ** BigInt(e.scale);
  return e.n % divisor === 0n ? e.n / divisor : undefined;
}
