// Values shown in error messages the way mongod prints them ({ _id: 1 }, "b", ObjectId('…')), so an
// error a test or an operator reads looks like the real one.
import { BSON, ObjectId, type Document } from 'mongodb';
import { decodeExact, buildDocument, type RawValue } from './raw-bson.js';

export function renderValue(value: RawValue): string {
  const decoded = decodeExact(buildDocument([['v', value]])).v as unknown;
  if (typeof decoded === 'string') return JSON.stringify(decoded);
  if (decoded === null) return 'null';
  if (decoded instanceof ObjectId) return `ObjectId('${decoded.toHexString()}')`;
  const type = typeof decoded === 'object' && '_bsontype' in decoded ? String(decoded._bsontype) : '';
  if (type === 'Int32' || type === 'Double' || type === 'Long') return String(decoded);
  return BSON.EJSON.stringify(decoded as Document, { relaxed: true });
}
