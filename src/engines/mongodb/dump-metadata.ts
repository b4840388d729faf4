// `<coll>.metadata.json`, in mongodump's shape: canonical Extended JSON of
//   { options?, indexes: [...], uuid?, collectionName, type? }
// in that key order (mongo-tools' Metadata struct; `options` and `uuid` omitted when empty). Values keep
// their BSON types ({"$numberInt": "2"}), so read them with promoteValues: false.
// Known limit: JavaScript objects put integer-like keys ("2") first, so a compound index over a field
// named like a number, e.g. {b: 1, "2": 1}, is written (and recreated) with its keys in another order.
import { BSON, type Binary, type Document } from 'mongodb';
import type { CollectionType } from './dump-layout.js';

export interface CollectionMetadata {
  collectionName: string;
  type: CollectionType;
  /** Collection options as listCollections reports them (viewOn/pipeline for views, timeseries …). */
  options: Document;
  /** Index specs as listIndexes reports them; empty for views. */
  indexes: Document[];
  /** Collection UUID as 32 hex digits, when the server has one. */
  uuid?: string;
}

/** listCollections' `info.uuid` (a UUID Binary, subtype 4) as mongodump writes it: plain hex. */
export function uuidHex(value: unknown): string | undefined {
  const binary = value as Binary | undefined;
  if (!binary || binary._bsontype !== 'Binary' || binary.sub_type !== 4) return undefined;
  return Buffer.from(binary.buffer.subarray(0, binary.position)).toString('hex');
}

export function formatMetadata(meta: CollectionMetadata): string {
  const document: Document = {};
  if (Object.keys(meta.options).length > 0) document.options = meta.options;
  document.indexes = meta.indexes;
  if (meta.uuid) document.uuid = meta.uuid;
  document.collectionName = meta.collectionName;
  document.type = meta.type;
  return BSON.EJSON.stringify(document, { relaxed: false });
}

function asType(value: unknown, options: Document): CollectionType {
  if (value === 'view' || value === 'timeseries' || value === 'collection') return value;
  // Dumps by older mongodump versions carry no type: recognise views and time series by their options.
  if (options.viewOn !== undefined) return 'view';
  if (options.timeseries !== undefined) return 'timeseries';
  return 'collection';
}

/** Parse a metadata file. `fallbackName` is the collection name from the file name (older dumps lack collectionName). */
export function parseMetadata(text: string, fallbackName: string): CollectionMetadata {
  let parsed: unknown;
  try {
    parsed = BSON.EJSON.parse(text, { relaxed: false });
  } catch (error) {
    throw new Error(`metadata of ${fallbackName} is not valid Extended JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`metadata of ${fallbackName} is not a JSON object`);
  }
  const doc = parsed as Document;
  const options = (typeof doc.options === 'object' && doc.options !== null ? doc.options : {}) as Document;
  const indexes = Array.isArray(doc.indexes) ? (doc.indexes as Document[]) : [];
  const collectionName = typeof doc.collectionName === 'string' && doc.collectionName !== '' ? doc.collectionName : fallbackName;
  return {
    collectionName,
    type: asType(doc.type, options),
    options,
    indexes,
    ...(typeof doc.uuid === 'string' && doc.uuid !== '' ? { uuid: doc.uuid } : {}),
  };
}

/** Whether an index spec is the one the server creates by itself (`_id_`, or a clustered collection's key). */
export function isImplicitIndex(spec: Document): boolean {
  return spec.name === '_id_' || spec.clustered === true;
}

/**
 * Index specs to pass to createIndexes: implicit ones dropped, `ns` (pre-4.4 servers) removed, and the
 * index version `v` left to the server's default, as mongorestore does (old versions may be refused).
 */
export function indexesToCreate(meta: CollectionMetadata): Document[] {
  if (meta.type === 'view') return [];
  return meta.indexes.filter((spec) => !isImplicitIndex(spec)).map(({ ns: _ns, v: _v, ...spec }) => spec);
}

/** Options to pass to `create`: a clustered index spec loses the fields `create` does not take. */
export function createOptions(meta: CollectionMetadata): Document {
  const options: Document = { ...meta.options };
  if (options.clusteredIndex && typeof options.clusteredIndex === 'object') {
    const { v: _v, ...clustered } = options.clusteredIndex as Document;
    options.clusteredIndex = clustered;
  }
  return options;
}
