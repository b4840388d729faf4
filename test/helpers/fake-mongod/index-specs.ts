// Index specs as createIndexes stores them and listIndexes returns them: `v: 2` first, then the given
// fields in their order and with their exact BSON types (unique, partialFilterExpression,
// expireAfterSeconds … verbatim). A text index is rewritten the way mongod does it: its text fields
// become `_fts: "text", _ftsx: 1` in the key and move to `weights`, with the default language fields.
// No index is ever used for queries: the fake scans.
import { Int32 } from 'mongodb';
import { CommandError } from './command-error.js';
import { buildDocument, elementsOf, getField, rawOf, stringValue, T, type RawValue } from './raw-bson.js';
import { valuesEqual } from './bson-order.js';

const TEXT_DEFAULTS = ['weights', 'default_language', 'language_override', 'textIndexVersion'];

function isTextKey(value: RawValue): boolean {
  return value.type === T.string && stringValue(value) === 'text';
}

function normalizeText(key: RawValue, rest: [string, RawValue][]): [string, RawValue][] {
  const keyFields = elementsOf(key.bytes);
  if (!keyFields.some((e) => isTextKey(e.value)) || keyFields.some((e) => e.key === '_fts')) return [['key', key], ...rest];
  const textFields = keyFields.filter((e) => isTextKey(e.value)).map((e) => e.key);
  const firstText = keyFields.findIndex((e) => isTextKey(e.value));
  const prefix = keyFields.slice(0, firstText).map((e) => [e.key, e.value] as [string, RawValue]);
  const suffix = keyFields.slice(firstText).filter((e) => !isTextKey(e.value)).map((e) => [e.key, e.value] as [string, RawValue]);
  const newKey = buildDocument([...prefix, ['_fts', rawOf('text')], ['_ftsx', rawOf(new Int32(1))], ...suffix]);
  const given = new Map(rest);
  const weights = given.get('weights') ?? { type: T.object, bytes: buildDocument([...textFields].sort().map((f) => [f, rawOf(new Int32(1))] as const)) };
  const others = rest.filter(([k]) => !TEXT_DEFAULTS.includes(k));
  return [
    ['key', { type: T.object, bytes: newKey }],
    ...others,
    ['weights', weights],
    ['default_language', given.get('default_language') ?? rawOf('english')],
    ['language_override', given.get('language_override') ?? rawOf('language')],
    ['textIndexVersion', given.get('textIndexVersion') ?? rawOf(new Int32(3))],
  ];
}

const KNOWN_OPTIONS = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'hidden',
  'collation',
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
  'storageEngine',
  'wildcardProjection',
  '2dsphereIndexVersion',
  'bits',
  'min',
  'max',
  'bucketSize',
]);

/** The spec as it will be listed. Throws on a spec mongod would refuse for the reasons the fake checks. */
export function normalizeIndexSpec(spec: Buffer): Buffer {
  const elements = elementsOf(spec);
  const key = elements.find((e) => e.key === 'key')?.value;
  const name = stringValue(elements.find((e) => e.key === 'name')?.value);
  if (!key || key.type !== T.object || elementsOf(key.bytes).length === 0) throw new CommandError('BadValue', "The 'key' field of an index spec must be a non-empty object");
  if (!name) throw new CommandError('BadValue', "The 'name' field of an index spec must be a non-empty string");
  for (const e of elements) {
    if (e.key === 'v' || e.key === 'ns') continue;
    if (!KNOWN_OPTIONS.has(e.key)) throw new CommandError('BadValue', `The field '${e.key}' is not valid for an index specification. Specification: ${name}`);
  }
  const rest = elements.filter((e) => e.key !== 'v' && e.key !== 'ns' && e.key !== 'key').map((e) => [e.key, e.value] as [string, RawValue]);
  return buildDocument([['v', rawOf(new Int32(2))], ...normalizeText(key, rest)]);
}

export function indexName(spec: Buffer): string {
  return stringValue(getField(spec, 'name'))!;
}

export function indexKey(spec: Buffer): RawValue {
  return getField(spec, 'key')!;
}

/** Whether two stored specs describe the same index (same fields, same values). */
export function sameIndex(a: Buffer, b: Buffer): boolean {
  return valuesEqual({ type: T.object, bytes: a }, { type: T.object, bytes: b });
}
