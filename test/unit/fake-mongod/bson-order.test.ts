// The FAKE mongod's BSON order (test/helpers/fake-mongod/bson-order.ts): MongoDB's canonical type order
// across types, numbers compared by exact value across int32/int64/double/decimal128, strings by UTF-8
// bytes, documents element by element, binData by length first; and the equality key used for unique
// indexes and $group agrees with the comparison.
import { Binary, BSONRegExp, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { compareValues, equalityKey } from '../../helpers/fake-mongod/bson-order.js';
import { rawOf, type RawValue } from '../../helpers/fake-mongod/raw-bson.js';

const sign = (n: number): number => Math.sign(n);

function sorted(values: unknown[]): RawValue[] {
  return values.map(rawOf).sort(compareValues);
}

describe('fake mongod BSON order', () => {
  it('orders values of different types by MongoDB canonical type', () => {
    // One value per type, listed in the order MongoDB sorts them.
    const ordered = [
      new MinKey(),
      { type: 0x06, bytes: Buffer.alloc(0) } satisfies RawValue, // BSON undefined (the driver writes JS undefined as null)
      null,
      new Int32(5),
      'a string',
      { a: 1 },
      [1, 2],
      new Binary(Buffer.from('x')),
      new ObjectId('000000000000000000000000'),
      false,
      new Date(0),
      new Timestamp({ t: 1, i: 1 }),
      new BSONRegExp('a', 'i'),
      new MaxKey(),
    ];
    const shuffled = [...ordered].reverse();
    expect(sorted(shuffled).map((v) => v.type)).toEqual(ordered.map((v) => rawOf(v).type));
  });

  it('compares numbers by exact value across int32, int64, double and decimal128', () => {
    expect(compareValues(rawOf(new Int32(1)), rawOf(new Double(1)))).toBe(0);
    expect(compareValues(rawOf(Long.fromNumber(1)), rawOf(Decimal128.fromString('1.000')))).toBe(0);
    expect(sign(compareValues(rawOf(new Double(2.5)), rawOf(new Int32(2))))).toBe(1);
    expect(sign(compareValues(rawOf(Decimal128.fromString('0.1')), rawOf(new Double(0.1))))).toBe(-1); // 0.1 as a double is 0.1000000000000000055…
    // Beyond 2^53 a double cannot hold every integer: 2^53 + 1 (int64) is greater than 2^53 (double).
    expect(sign(compareValues(rawOf(Long.fromString('9007199254740993')), rawOf(new Double(9007199254740992))))).toBe(1);
    expect(sign(compareValues(rawOf(new Double(Number.NaN)), rawOf(new Double(Number.NEGATIVE_INFINITY))))).toBe(-1);
    expect(compareValues(rawOf(new Double(Number.NaN)), rawOf(Decimal128.fromString('NaN')))).toBe(0);
    expect(compareValues(rawOf(new Double(-0)), rawOf(new Int32(0)))).toBe(0);
    expect(sign(compareValues(rawOf(Long.fromString('-9223372036854775808')), rawOf(new Double(-1e300))))).toBe(1);
  });

  it('compares strings by UTF-8 bytes, documents element by element, binData by length first', () => {
    expect(sorted(['b', 'B', 'é', 'a', 'ab']).map((v) => v.bytes.toString('utf8', 4, v.bytes.length - 1))).toEqual(['B', 'a', 'ab', 'b', 'é']);
    expect(sign(compareValues(rawOf({ k: 1 }), rawOf({ k: 1, j: 0 })))).toBe(-1);
    // Element by element: canonical type first, then field name, then value (BSONElement::woCompare).
    expect(sign(compareValues(rawOf({ a: 9 }), rawOf({ b: 0 })))).toBe(-1);
    expect(sign(compareValues(rawOf({ a: 'z' }), rawOf({ b: 0 })))).toBe(1);
    expect(sign(compareValues(rawOf({ a: 5 }), rawOf({ a: 'x' })))).toBe(-1);
    expect(sign(compareValues(rawOf(new Binary(Buffer.from('zz'))), rawOf(new Binary(Buffer.from('aaa')))))).toBe(-1);
    expect(sign(compareValues(rawOf(new Timestamp({ t: 1, i: 9 })), rawOf(new Timestamp({ t: 2, i: 0 }))))).toBe(-1);
    expect(sign(compareValues(rawOf(new Date(-1)), rawOf(new Date(0))))).toBe(-1);
  });

  it('gives equal values one equality key, and different values different keys', () => {
    expect(equalityKey(rawOf(new Int32(3)))).toBe(equalityKey(rawOf(Decimal128.fromString('3.00'))));
    expect(equalityKey(rawOf({ a: new Int32(1) }))).toBe(equalityKey(rawOf({ a: new Double(1) })));
    expect(equalityKey(rawOf({ a: 1, b: 2 }))).not.toBe(equalityKey(rawOf({ b: 2, a: 1 })));
    expect(equalityKey(rawOf('1'))).not.toBe(equalityKey(rawOf(new Int32(1))));
    const bsonUndefined: RawValue = { type: 0x06, bytes: Buffer.alloc(0) };
    expect(equalityKey(rawOf(null))).not.toBe(equalityKey(bsonUndefined));
  });
});
