// Unique secondary indexes, enforced the cheap way: when an insert batch starts (or a unique index is
// built), the keys of the live documents are collected once. A key is the tuple of the indexed fields'
// values (missing counts as null); a partial index only holds documents its filter matches, a sparse
// one skips documents lacking every indexed field. Arrays are keyed as whole values (no multikey).
import { equalityKey } from './bson-order.js';
import type { StoredCollection } from './memory-store.js';
import { compileFilter, type Matcher } from './query-match.js';
import { buildDocument, decodePlain, elementsOf, getField, getPath, NULL, T, type RawValue } from './raw-bson.js';
import { renderValue } from './render-value.js';

export interface UniqueIndex {
  name: string;
  pattern: Record<string, unknown>;
  clashes(doc: Buffer): boolean;
  add(doc: Buffer): void;
  keyValue(doc: Buffer): RawValue;
  describe(doc: Buffer): string;
}

function isTrue(value: RawValue | undefined): boolean {
  return value !== undefined && value.type === T.bool && value.bytes[0] === 1;
}

export function uniqueIndexOf(spec: Buffer): UniqueIndex | undefined {
  const name = getField(spec, 'name');
  if (!isTrue(getField(spec, 'unique')) || !name) return undefined;
  const keySpec = getField(spec, 'key')!;
  const fields = elementsOf(keySpec.bytes).map((e) => e.key);
  const partial = getField(spec, 'partialFilterExpression');
  const matches: Matcher = partial ? compileFilter(partial.bytes) : () => true;
  const sparse = isTrue(getField(spec, 'sparse'));
  const keys = new Set<string>();
  const values = (doc: Buffer): RawValue[] => fields.map((f) => getPath(doc, f) ?? NULL);
  const indexed = (doc: Buffer): boolean => matches(doc) && !(sparse && fields.every((f) => getPath(doc, f) === undefined));
  const keyOf = (doc: Buffer): string => values(doc).map(equalityKey).join('|');
  return {
    name: name.bytes.toString('utf8', 4, name.bytes.length - 1),
    pattern: decodePlain(keySpec.bytes),
    clashes: (doc) => indexed(doc) && keys.has(keyOf(doc)),
    add: (doc) => {
      if (indexed(doc)) keys.add(keyOf(doc));
    },
    keyValue: (doc) => ({ type: T.object, bytes: buildDocument(fields.map((f, i) => [f, values(doc)[i]!] as const)) }),
    describe: (doc) => `{ ${fields.map((f, i) => `${f}: ${renderValue(values(doc)[i]!)}`).join(', ')} }`,
  };
}

/** The unique indexes of a collection, loaded with the keys of its live documents. */
export function uniqueIndexKeys(coll: StoredCollection): UniqueIndex[] {
  const indexes = coll.indexes.map(uniqueIndexOf).filter((u): u is UniqueIndex => u !== undefined);
  if (indexes.length === 0) return indexes;
  for (const version of coll.scan()) for (const u of indexes) u.add(version.raw);
  return indexes;
}
