// The FAKE mongod's document handling: inserts put `_id` first (generated when missing) and keep every
// other byte; filters use type bracketing and array matching; $expr compares across types in sort
// order; projections keep bytes and order.
import { BSON, Int32, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { evaluate, isTruthy } from '../../helpers/fake-mongod/expressions.js';
import { documentForInsert } from '../../helpers/fake-mongod/insert-documents.js';
import { compileProjection } from '../../helpers/fake-mongod/projection.js';
import { compileFilter } from '../../helpers/fake-mongod/query-match.js';
import { elementsOf, rawOf } from '../../helpers/fake-mongod/raw-bson.js';

const bson = (doc: object): Buffer => Buffer.from(BSON.serialize(doc));
const keys = (raw: Buffer): string[] => elementsOf(raw).map((e) => e.key);

describe('fake mongod documents and queries', () => {
  it('stores inserts with _id first, as mongod does, keeping every other byte', () => {
    const withoutId = documentForInsert(bson({ b: 1, a: 'x' }));
    if ('error' in withoutId) throw new Error(withoutId.error);
    expect(keys(withoutId.doc)).toEqual(['_id', 'b', 'a']);
    expect(withoutId.id.type).toBe(0x07);
    const moved = documentForInsert(bson({ b: 1, _id: 5, a: 'x' }));
    if ('error' in moved) throw new Error(moved.error);
    expect(keys(moved.doc)).toEqual(['_id', 'b', 'a']);
    expect(moved.doc.length).toBe(bson({ b: 1, _id: 5, a: 'x' }).length);
    const first = bson(new Map<string, unknown>([['_id', new ObjectId()], ['2', 1], ['a', 2]]));
    const kept = documentForInsert(first);
    expect('doc' in kept && kept.doc.equals(first)).toBe(true);
    expect(documentForInsert(bson({ _id: [1, 2] }))).toMatchObject({ error: "can't use an array for _id" });
  });

  it('matches filters with type bracketing, arrays and null-for-missing', () => {
    const docs = [bson({ _id: 1, a: 5 }), bson({ _id: 2, a: 'x' }), bson({ _id: 3, a: [1, 9] }), bson({ _id: 4 })];
    const ids = (filter: object) => docs.filter(compileFilter(bson(filter))).map((d) => BSON.deserialize(d)._id as number);
    expect(ids({ a: { $gt: 4 } })).toEqual([1, 3]);
    expect(ids({ a: 9 })).toEqual([3]);
    expect(ids({ a: null })).toEqual([4]);
    expect(ids({ a: { $exists: false } })).toEqual([4]);
    expect(ids({ $or: [{ a: 'x' }, { _id: { $in: [1, 4] } }] })).toEqual([1, 2, 4]);
    expect(() => compileFilter(bson({ a: { $regex: 'x' } }))).toThrow(/fake-mongod: unsupported query operator \$regex/);
  });

  it('evaluates $expr comparisons across types in sort order', () => {
    const lte = (id: unknown, max: unknown) => isTruthy(evaluate(rawOf({ $lte: ['$_id', { $literal: max }] }), bson({ _id: id })));
    expect(lte('b', 'c')).toBe(true);
    expect(lte(new Int32(3), 'a')).toBe(true); // numbers sort before strings
    expect(lte(new ObjectId(), 'zzz')).toBe(false); // ObjectIds after strings
    expect(lte('$x', '$x')).toBe(true); // $literal keeps a "$…" value from being read as a path
    expect(() => evaluate(rawOf({ $add: [1, 2] }), bson({}))).toThrow(/unsupported expression operator \$add/);
  });

  it('projects top-level fields, keeping their bytes and order', () => {
    const doc = bson({ _id: 1, a: 2, b: { c: 3 }, d: 4 });
    expect(keys(compileProjection(bson({ _id: 1 }))(doc))).toEqual(['_id']);
    expect(keys(compileProjection(bson({ d: 1, b: 1 }))(doc))).toEqual(['_id', 'b', 'd']);
    expect(keys(compileProjection(bson({ a: 0, _id: 0 }))(doc))).toEqual(['b', 'd']);
    expect(() => compileProjection(bson({ 'b.c': 1 }))).toThrow(/unsupported projection/);
  });
});
