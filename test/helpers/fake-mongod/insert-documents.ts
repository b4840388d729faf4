// Inserts as mongod does them (fixDocumentForInsert): a document without `_id` gets a new ObjectId as its
// FIRST field, an `_id` elsewhere is moved to the front, and every other byte is kept. An array, regex or
// undefined `_id` is refused. A duplicate key is a write error with code 11000 in mongod's wording; an
// ordered insert stops at the first error, an unordered one keeps going and reports them all.
import { ObjectId } from 'mongodb';
import { equalityKey } from './bson-order.js';
import { CODES } from './command-error.js';
import type { StoredCollection } from './memory-store.js';
import { documentFromElements, elementsOf, encodeElement, rawOf, T, type RawValue } from './raw-bson.js';
import { uniqueIndexKeys, type UniqueIndex } from './unique-indexes.js';
import { renderValue } from './render-value.js';

/** mongod's BSONObjMaxUserSize. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024;

export interface WriteError {
  index: number;
  code: number;
  errmsg: string;
  keyPattern?: Record<string, unknown>;
  keyValue?: RawValue;
}

/** The document as it will be stored, with `_id` first; or the reason it cannot be stored. */
export function documentForInsert(raw: Buffer): { doc: Buffer; id: RawValue } | { error: string; code: number } {
  if (raw.length > MAX_DOCUMENT_BYTES) return { code: CODES.BadValue, error: `object to insert too large. size in bytes: ${raw.length}, max size: ${MAX_DOCUMENT_BYTES}` };
  const elements = elementsOf(raw);
  const idElement = elements.find((e) => e.key === '_id');
  if (!idElement) {
    const id = rawOf(new ObjectId());
    return { doc: documentFromElements([encodeElement('_id', id), ...elements.map((e) => raw.subarray(e.start, e.end))]), id };
  }
  const type = idElement.value.type;
  if (type === T.array || type === T.regex || type === T.undefined) {
    const name = type === T.array ? 'an array' : type === T.regex ? 'a regex' : 'a undefined';
    return { code: CODES.BadValue, error: `can't use ${name} for _id` };
  }
  if (elements[0] === idElement) return { doc: raw, id: idElement.value };
  const rest = elements.filter((e) => e !== idElement).map((e) => raw.subarray(e.start, e.end));
  return { doc: documentFromElements([raw.subarray(idElement.start, idElement.end), ...rest]), id: idElement.value };
}

function duplicateError(index: number, coll: StoredCollection, indexName: string, pattern: Record<string, unknown>, keyValue: RawValue, shown: string): WriteError {
  return {
    index,
    code: CODES.DuplicateKey,
    errmsg: `E11000 duplicate key error collection: ${coll.namespace} index: ${indexName} dup key: ${shown}`,
    keyPattern: pattern,
    keyValue,
  };
}

export function insertDocuments(coll: StoredCollection, docs: Buffer[], ordered: boolean, time: bigint): { n: number; writeErrors: WriteError[] } {
  const writeErrors: WriteError[] = [];
  const unique: UniqueIndex[] = uniqueIndexKeys(coll);
  let n = 0;
  for (let index = 0; index < docs.length; index += 1) {
    const prepared = documentForInsert(docs[index]!);
    if ('error' in prepared) {
      writeErrors.push({ index, code: prepared.code, errmsg: prepared.error });
      if (ordered) break;
      continue;
    }
    const idKey = equalityKey(prepared.id);
    if (coll.byId.has(idKey)) {
      const keyValue: RawValue = { type: T.object, bytes: documentFromElements([encodeElement('_id', prepared.id)]) };
      writeErrors.push(duplicateError(index, coll, '_id_', { _id: 1 }, keyValue, `{ _id: ${renderValue(prepared.id)} }`));
      if (ordered) break;
      continue;
    }
    const clash = unique.find((u) => u.clashes(prepared.doc));
    if (clash) {
      writeErrors.push(duplicateError(index, coll, clash.name, clash.pattern, clash.keyValue(prepared.doc), clash.describe(prepared.doc)));
      if (ordered) break;
      continue;
    }
    for (const u of unique) u.add(prepared.doc);
    coll.append(prepared.doc, prepared.id, time);
    n += 1;
  }
  return { n, writeErrors };
}
