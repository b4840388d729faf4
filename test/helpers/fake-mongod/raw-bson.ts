// Raw BSON for the fake mongod: documents stay bytes from the wire to the store and back (a real mongod
// returns exactly the bytes it was given), so values are handled as (type, value bytes) pairs instead of
// decoded JavaScript objects, which would lose integer-like key order, `undefined`, DBRef shapes and
// number types.
import { BSON, type Document } from 'mongodb';

export const T = {
  double: 0x01,
  string: 0x02,
  object: 0x03,
  array: 0x04,
  binary: 0x05,
  undefined: 0x06,
  objectId: 0x07,
  bool: 0x08,
  date: 0x09,
  null: 0x0a,
  regex: 0x0b,
  dbPointer: 0x0c,
  code: 0x0d,
  symbol: 0x0e,
  codeWithScope: 0x0f,
  int32: 0x10,
  timestamp: 0x11,
  int64: 0x12,
  decimal: 0x13,
  minKey: 0xff,
  maxKey: 0x7f,
} as const;

/** One BSON value: its element type and exactly its value bytes (for documents: the whole embedded document). */
export interface RawValue {
  type: number;
  bytes: Buffer;
}

export interface RawElement {
  key: string;
  value: RawValue;
  /** Byte range of the whole element (type byte, key, value) inside its document. */
  start: number;
  end: number;
}

/** Length of a value of `type` starting at `at`. */
export function valueLength(buf: Buffer, type: number, at: number): number {
  switch (type) {
    case T.double:
    case T.date:
    case T.timestamp:
    case T.int64:
      return 8;
    case T.string:
    case T.code:
    case T.symbol:
      return 4 + buf.readInt32LE(at);
    case T.object:
    case T.array:
    case T.codeWithScope:
      return buf.readInt32LE(at);
    case T.binary:
      return 5 + buf.readInt32LE(at);
    case T.undefined:
    case T.null:
    case T.minKey:
    case T.maxKey:
      return 0;
    case T.objectId:
      return 12;
    case T.bool:
      return 1;
    case T.regex: {
      const first = buf.indexOf(0, at);
      return buf.indexOf(0, first + 1) + 1 - at;
    }
    case T.dbPointer:
      return 4 + buf.readInt32LE(at) + 12;
    case T.int32:
      return 4;
    case T.decimal:
      return 16;
    default:
      throw new Error(`fake-mongod: unknown BSON element type 0x${type.toString(16)}`);
  }
}

/** The elements of a document (or array) in order. Throws on a malformed document. */
export function elementsOf(doc: Buffer): RawElement[] {
  if (doc.length < 5 || doc.readInt32LE(0) !== doc.length || doc[doc.length - 1] !== 0) {
    throw new Error('fake-mongod: malformed BSON document');
  }
  const out: RawElement[] = [];
  let at = 4;
  while (at < doc.length - 1) {
    const start = at;
    const type = doc[at]!;
    const keyEnd = doc.indexOf(0, at + 1);
    if (keyEnd === -1 || keyEnd >= doc.length - 1) throw new Error('fake-mongod: malformed BSON element name');
    const key = doc.toString('utf8', at + 1, keyEnd);
    const valueStart = keyEnd + 1;
    const length = valueLength(doc, type, valueStart);
    const end = valueStart + length;
    if (end > doc.length - 1) throw new Error(`fake-mongod: BSON element "${key}" overruns its document`);
    out.push({ key, value: { type, bytes: doc.subarray(valueStart, end) }, start, end });
    at = end;
  }
  return out;
}

export function getField(doc: Buffer, key: string): RawValue | undefined {
  return elementsOf(doc).find((e) => e.key === key)?.value;
}

/** A dotted path into embedded documents (no array traversal); undefined when missing. */
export function getPath(doc: Buffer, path: string): RawValue | undefined {
  let current: RawValue = { type: T.object, bytes: doc };
  for (const part of path.split('.')) {
    if (current.type !== T.object) return undefined;
    const next = getField(current.bytes, part);
    if (!next) return undefined;
    current = next;
  }
  return current;
}

function cstring(key: string): Buffer {
  if (key.includes('\0')) throw new Error('fake-mongod: a field name cannot contain a NUL byte');
  return Buffer.from(`${key}\0`, 'utf8');
}

export function encodeElement(key: string, value: RawValue): Buffer {
  return Buffer.concat([Buffer.from([value.type]), cstring(key), value.bytes]);
}

/** A document from raw elements, in order. */
export function buildDocument(entries: readonly (readonly [string, RawValue])[]): Buffer {
  const body = Buffer.concat(entries.map(([key, value]) => encodeElement(key, value)));
  const out = Buffer.alloc(4 + body.length + 1);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

/** A document from whole encoded elements (as sliced from other documents). */
export function documentFromElements(parts: readonly Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(4 + body.length + 1);
  out.writeInt32LE(out.length, 0);
  body.copy(out, 4);
  return out;
}

export function buildArray(values: readonly RawValue[]): RawValue {
  return { type: T.array, bytes: buildDocument(values.map((v, i) => [String(i), v] as const)) };
}

/** A JavaScript value as a raw BSON value (through the driver's serializer). */
export function rawOf(value: unknown): RawValue {
  if (isRaw(value)) return value;
  const doc = BSON.serialize({ v: value }, { ignoreUndefined: false, checkKeys: false });
  const [element] = elementsOf(Buffer.from(doc.buffer, doc.byteOffset, doc.length));
  return element!.value;
}

/** Whether a JS value is a RawValue (as opposed to a value for the BSON serializer). */
export function isRaw(value: unknown): value is RawValue {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Buffer.isBuffer((value as RawValue).bytes) && typeof (value as RawValue).type === 'number' && Object.keys(value).length === 2;
}

/** Encode a reply: JS values go through the BSON serializer, RawValues are inlined byte for byte. */
export function encodeReply(fields: Record<string, unknown>): Buffer {
  return buildDocument(Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => [k, rawOf(v)] as const));
}

const DECODE_EXACT = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true, validation: { utf8: false } } as const;

/** A raw document decoded with every value's BSON type kept (Int32, Double, Long …). */
export function decodeExact(doc: Buffer): Document {
  return BSON.deserialize(doc, DECODE_EXACT);
}

/** A raw document decoded the way a command handler wants to read options (plain numbers and strings). */
export function decodePlain(doc: Buffer): Document {
  return BSON.deserialize(doc, { promoteValues: true, promoteLongs: true, validation: { utf8: false } });
}

/** A single raw value decoded (plain JS where possible). */
export function decodeValue(value: RawValue): unknown {
  return decodePlain(buildDocument([['v', value]])).v;
}

export function stringValue(value: RawValue | undefined): string | undefined {
  if (!value || value.type !== T.string) return undefined;
  return value.bytes.toString('utf8', 4, value.bytes.length - 1);
}

export function rawString(text: string): RawValue {
  return rawOf(text);
}

export function isDocument(value: RawValue | undefined): value is RawValue {
  return value !== undefined && value.type === T.object;
}

/** The elements of an array value, as values. */
export function arrayValues(value: RawValue): RawValue[] {
  if (value.type !== T.array) throw new Error('fake-mongod: expected an array');
  return elementsOf(value.bytes).map((e) => e.value);
}

export const NULL: RawValue = { type: T.null, bytes: Buffer.alloc(0) };
export const TRUE: RawValue = { type: T.bool, bytes: Buffer.from([1]) };
export const FALSE: RawValue = { type: T.bool, bytes: Buffer.from([0]) };
export function rawBool(value: boolean): RawValue {
  return value ? TRUE : FALSE;
}
