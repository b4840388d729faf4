// Dumped documents go back through the driver's insert, which serializes JavaScript values. To restore
// them byte for byte, a document is decoded without promoting values (int32, double and int64 keep their
// BSON types; binaries, regexes stay as they are) and re-encoded once to check; the few documents that
// do not survive that — JavaScript objects put integer-like keys ("2") first, and `{$ref, $id}`
// sub-documents become DBRefs — are rebuilt with Maps, which keep every key in its original order.
import { BSON, type Document } from 'mongodb';

const DECODE = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true, validation: { utf8: false } } as const;
const ENCODE = { checkKeys: false, ignoreUndefined: false } as const;

/**
 * Where the check re-encodes, reused (grown to the largest document seen): a fresh buffer per document
 * doubled a restore's allocations of external memory, which is freed only when the GC runs.
 */
let scratch = Buffer.alloc(0);

/** Whether `doc` encodes back to exactly `raw`. */
function encodesTo(doc: Document, raw: Uint8Array): boolean {
  if (scratch.length < raw.length) scratch = Buffer.alloc(Math.max(raw.length, 2 * scratch.length, 64 << 10));
  let end: number;
  try {
    end = BSON.serializeWithBufferAndIndex(doc, scratch, ENCODE);
  } catch (error) {
    if (error instanceof RangeError) return false; // longer than the original: not the same bytes
    throw error;
  }
  return end + 1 === raw.length && Buffer.compare(scratch.subarray(0, raw.length), raw) === 0;
}

export function insertableDocument(raw: Uint8Array): Document {
  const doc = BSON.deserialize(raw, DECODE);
  if (encodesTo(doc, raw)) return doc;
  return orderedDocument(raw, 0) as unknown as Document;
}

/** Length of an element's value, by BSON type, starting at `at` (just after the key). */
function valueLength(raw: Uint8Array, type: number, at: number): number {
  const int32 = (offset: number): number => raw[offset]! | (raw[offset + 1]! << 8) | (raw[offset + 2]! << 16) | (raw[offset + 3]! << 24);
  switch (type) {
    case 0x01: // double
    case 0x09: // date
    case 0x11: // timestamp
    case 0x12: // int64
      return 8;
    case 0x02: // string
    case 0x0d: // code
    case 0x0e: // symbol
      return 4 + int32(at);
    case 0x03: // document
    case 0x04: // array
    case 0x0f: // code with scope
      return int32(at);
    case 0x05: // binary
      return 4 + 1 + int32(at);
    case 0x06: // undefined
    case 0x0a: // null
    case 0xff: // min key
    case 0x7f: // max key
      return 0;
    case 0x07: // ObjectId
      return 12;
    case 0x08: // boolean
      return 1;
    case 0x0b: {
      // regex: two C strings
      let end = raw.indexOf(0, at);
      end = raw.indexOf(0, end + 1);
      return end + 1 - at;
    }
    case 0x0c: // DBPointer: string + ObjectId
      return 4 + int32(at) + 12;
    case 0x10: // int32
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      throw new Error(`unknown BSON element type 0x${type.toString(16)}`);
  }
}

/** Decode one leaf value by wrapping its bytes in a one-element document. */
function decodeLeaf(raw: Uint8Array, type: number, start: number, length: number): unknown {
  const mini = Buffer.alloc(4 + 1 + 2 + length + 1);
  mini.writeInt32LE(mini.length, 0);
  mini[4] = type;
  mini[5] = 0x76; // key "v"
  mini[6] = 0;
  Buffer.from(raw.buffer, raw.byteOffset + start, length).copy(mini, 7);
  return (BSON.deserialize(mini, DECODE) as { v: unknown }).v;
}

function orderedDocument(raw: Uint8Array, start: number): Map<string, unknown> {
  const out = new Map<string, unknown>();
  walk(raw, start, (key, value) => out.set(key, value));
  return out;
}

function orderedArray(raw: Uint8Array, start: number): unknown[] {
  const out: unknown[] = [];
  walk(raw, start, (_key, value) => out.push(value));
  return out;
}

function walk(raw: Uint8Array, start: number, visit: (key: string, value: unknown) => void): void {
  const size = raw[start]! | (raw[start + 1]! << 8) | (raw[start + 2]! << 16) | (raw[start + 3]! << 24);
  const end = start + size - 1;
  let at = start + 4;
  while (at < end) {
    const type = raw[at]!;
    const keyEnd = raw.indexOf(0, at + 1);
    const key = Buffer.from(raw.buffer, raw.byteOffset + at + 1, keyEnd - at - 1).toString('utf8');
    const valueStart = keyEnd + 1;
    const length = valueLength(raw, type, valueStart);
    if (type === 0x03) visit(key, orderedDocument(raw, valueStart));
    else if (type === 0x04) visit(key, orderedArray(raw, valueStart));
    else visit(key, decodeLeaf(raw, type, valueStart, length));
    at = valueStart + length;
  }
}
