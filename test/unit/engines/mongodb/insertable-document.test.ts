// Restored documents must be the dumped ones byte for byte: every BSON type keeps its type, and key
// order survives even where JavaScript objects would reorder it.
import fc from 'fast-check';
import {
  Binary,
  BSON,
  BSONRegExp,
  BSONSymbol,
  Code,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
} from 'mongodb';
import { describe, expect, it } from 'vitest';
import { insertableDocument } from '../../../../src/engines/mongodb/insertable-document.js';

const ENCODE = { checkKeys: false, ignoreUndefined: false };

function roundTrips(raw: Uint8Array): boolean {
  return Buffer.compare(BSON.serialize(insertableDocument(raw), ENCODE), raw) === 0;
}

describe('insertableDocument', () => {
  it('keeps every BSON type', () => {
    const raw = BSON.serialize({
      _id: new ObjectId(),
      double: new Double(1),
      negZero: new Double(-0),
      int: new Int32(2),
      long: Long.fromString('9007199254740993'),
      string: 'héllo\u0000not-a-terminator',
      bool: false,
      nil: null,
      date: new Date(1_700_000_000_123),
      binary: new Binary(Buffer.from([0, 1, 2]), 0x80),
      uuid: new UUID(),
      regex: new BSONRegExp('^a.b$', 'imsx'),
      timestamp: new Timestamp({ t: 1_700_000_000, i: 7 }),
      decimal: Decimal128.fromString('12345.6789e-10'),
      min: new MinKey(),
      max: new MaxKey(),
      code: new Code('function () { return 1; }'),
      codeWithScope: new Code('x + y', { x: new Int32(1), y: 'z' }),
      symbol: new BSONSymbol('sym'),
      array: [new Int32(1), [new Double(2.5), 'x'], { nested: true }],
      sub: { deeper: { deepest: [] } },
    });
    expect(roundTrips(raw)).toBe(true);
  });

  it('keeps integer-like keys in their original order, at any depth', () => {
    const raw = BSON.serialize(
      new Map<string, unknown>([
        ['_id', 1],
        ['zeta', 1],
        ['2024', 'year'],
        ['scores', new Map<string, unknown>([['b', 1], ['10', 2], ['1', 3]])],
        ['list', [new Map<string, unknown>([['x', 1], ['0', 2]])]],
      ]),
    );
    const doc = insertableDocument(raw);
    expect(doc).toBeInstanceOf(Map);
    expect(roundTrips(raw)).toBe(true);
  });

  it('keeps DBRef-shaped sub-documents and __proto__ keys as they were', () => {
    const ref = BSON.serialize(new Map<string, unknown>([['_id', 1], ['owner', new Map<string, unknown>([['$id', new ObjectId()], ['$ref', 'users'], ['extra', 1]])]]));
    expect(roundTrips(ref)).toBe(true);
    const proto = BSON.serialize(new Map<string, unknown>([['_id', 1], ['__proto__', { polluted: true }]]));
    expect(roundTrips(proto)).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('round-trips arbitrary JSON-like documents', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 6 }).filter((k) => !k.includes('\u0000')), fc.jsonValue({ maxDepth: 3 })), (doc) => {
        const raw = BSON.serialize({ _id: 1, ...doc }, ENCODE);
        expect(roundTrips(raw)).toBe(true);
      }),
    );
  });
});

// The check re-encodes into one reused buffer that grows with the largest document seen (bench/mongodb
// showed a fresh buffer per document doubling a restore's external memory churn).
describe('insertableDocument with its reused check buffer', () => {
  it('checks documents of every size in any order', () => {
    for (const size of [100, 300 << 10, 50, 2 << 20, 70 << 10, 10]) {
      const raw = BSON.serialize({ _id: new Int32(size), pad: 'p'.repeat(size), tail: new Int32(1) });
      expect(roundTrips(raw)).toBe(true);
    }
  });

  it('falls back instead of failing when a document re-encodes longer than it was (invalid UTF-8)', () => {
    // Larger than any document before it, so the check buffer is exactly its size; each invalid byte is
    // decoded as U+FFFD (3 bytes), so the re-encoding no longer fits.
    const raw = Buffer.from(BSON.serialize({ _id: new Int32(1), s: 'a'.repeat(6 << 20) }));
    raw.fill(0xff, raw.length - 20, raw.length - 2);
    expect(() => insertableDocument(raw)).not.toThrow();
    expect(insertableDocument(raw)).toBeInstanceOf(Map);
  });
});
