// The .bson layout: documents written back to back parse back into the same documents, however the
// stream is chunked; damaged files are refused.
import fc from 'fast-check';
import { BSON, Int32, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BsonSplitter, MAX_DOCUMENT_BYTES } from '../../../../src/engines/mongodb/bson-stream.js';

function bsonFile(docs: Record<string, unknown>[]): { file: Buffer; raws: Buffer[] } {
  const raws = docs.map((d) => Buffer.from(BSON.serialize(d)));
  return { file: Buffer.concat(raws), raws };
}

function split(file: Buffer, cuts: number[]): Buffer[] {
  const splitter = new BsonSplitter('test.bson');
  const out: Buffer[] = [];
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < file.length)].sort((a, b) => a - b)) {
    out.push(...splitter.push(file.subarray(at, cut)).map((d) => Buffer.from(d)));
    at = cut;
  }
  out.push(...splitter.push(file.subarray(at)).map((d) => Buffer.from(d)));
  splitter.end();
  return out;
}

describe('BsonSplitter', () => {
  it('parses a written .bson stream back into the same documents at any chunking', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ n: fc.integer(), s: fc.string({ maxLength: 40 }), a: fc.array(fc.double({ noNaN: true }), { maxLength: 5 }) }), { maxLength: 30 }),
        fc.array(fc.nat(3000), { maxLength: 12 }),
        (docs, cuts) => {
          const { file, raws } = bsonFile(docs.map((d, i) => ({ _id: i, ...d })));
          const parsed = split(file, cuts);
          expect(parsed.length).toBe(raws.length);
          parsed.forEach((doc, i) => expect(doc.equals(raws[i]!)).toBe(true));
          expect(parsed.map((d) => BSON.deserialize(d))).toEqual(docs.map((d, i) => BSON.deserialize(BSON.serialize({ _id: i, ...d }))));
        },
      ),
    );
  });

  it('handles byte-at-a-time input and documents much larger than a chunk', () => {
    const { file, raws } = bsonFile([{ _id: new ObjectId(), big: 'x'.repeat(200_000) }, { _id: new Int32(2) }]);
    const cuts = Array.from({ length: 64 }, (_, i) => i + 1).concat([100_000, 150_000]);
    const parsed = split(file, cuts);
    expect(parsed).toHaveLength(2);
    expect(parsed[0]!.equals(raws[0]!)).toBe(true);
    expect(parsed[1]!.equals(raws[1]!)).toBe(true);
  });

  it('parses an empty file as no documents', () => {
    expect(split(Buffer.alloc(0), [])).toEqual([]);
  });

  it('refuses a file cut inside a document', () => {
    const { file } = bsonFile([{ a: 1 }, { b: 2 }]);
    const splitter = new BsonSplitter('users.bson');
    splitter.push(file.subarray(0, file.length - 3));
    expect(() => splitter.end()).toThrow(/users.bson: the file ends inside a BSON document \(\d+ trailing bytes\)/);
  });

  it('refuses impossible lengths and documents without their terminator', () => {
    const tooSmall = Buffer.from([4, 0, 0, 0, 0]);
    expect(() => new BsonSplitter('x.bson').push(tooSmall)).toThrow(/invalid BSON document length 4 at byte 0/);
    const huge = Buffer.alloc(8);
    huge.writeInt32LE(MAX_DOCUMENT_BYTES + 1, 0);
    expect(() => new BsonSplitter('x.bson').push(huge)).toThrow(/invalid BSON document length/);
    const { file } = bsonFile([{ a: 1 }, { b: 2 }]);
    const broken = Buffer.from(file);
    broken[broken.readInt32LE(0) - 1] = 7;
    expect(() => new BsonSplitter('x.bson').push(broken)).toThrow(/does not end with a 0x00 byte/);
  });
});
