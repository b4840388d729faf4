// The query language of `find` filters and `$match`, on raw documents, for what the engine and its tests
// send: `{}`, `$expr`, `$and` / `$or` / `$nor`, equality on (dotted) fields, and $eq $ne $gt $gte $lt
// $lte $in $nin $exists. Comparisons use type bracketing like the server (`{a: {$gt: 5}}` only matches
// numbers); a field holding an array matches when the array itself or any element does. Anything else
// ($regex, $elemMatch, $type, geo, text …) fails loudly.
import { canonicalRank, compareValues } from './bson-order.js';
import { CommandError } from './command-error.js';
import { evaluate, isTruthy } from './expressions.js';
import { arrayValues, elementsOf, getPath, T, type RawValue } from './raw-bson.js';

export type Matcher = (doc: Buffer) => boolean;

function unsupportedQuery(name: string): CommandError {
  return new CommandError('BadValue', `fake-mongod: unsupported query operator ${name}`);
}

/** The values a path offers for matching: the value itself and, for an array, each element. */
function candidates(doc: Buffer, path: string): RawValue[] {
  const value = getPath(doc, path);
  if (value === undefined) return [];
  return value.type === T.array ? [value, ...arrayValues(value)] : [value];
}

function isNullish(value: RawValue): boolean {
  return value.type === T.null || value.type === T.undefined;
}

function equals(doc: Buffer, path: string, operand: RawValue): boolean {
  const values = candidates(doc, path);
  // {a: null} matches a missing field too.
  if (operand.type === T.null && (values.length === 0 || values.some(isNullish))) return true;
  return values.some((v) => compareValues(v, operand) === 0);
}

function bracketed(doc: Buffer, path: string, operand: RawValue, accept: (c: number) => boolean): boolean {
  return candidates(doc, path).some((v) => canonicalRank(v.type) === canonicalRank(operand.type) && accept(compareValues(v, operand)));
}

function compileOperators(path: string, spec: RawValue): Matcher[] {
  return elementsOf(spec.bytes).map(({ key, value }): Matcher => {
    switch (key) {
      case '$eq':
        return (doc) => equals(doc, path, value);
      case '$ne':
        return (doc) => !equals(doc, path, value);
      case '$gt':
        return (doc) => bracketed(doc, path, value, (c) => c > 0);
      case '$gte':
        return (doc) => bracketed(doc, path, value, (c) => c >= 0);
      case '$lt':
        return (doc) => bracketed(doc, path, value, (c) => c < 0);
      case '$lte':
        return (doc) => bracketed(doc, path, value, (c) => c <= 0);
      case '$in': {
        const options = arrayValues(value);
        return (doc) => options.some((o) => equals(doc, path, o));
      }
      case '$nin': {
        const options = arrayValues(value);
        return (doc) => !options.some((o) => equals(doc, path, o));
      }
      case '$exists': {
        const wanted = !(value.type === T.bool ? value.bytes[0] === 0 : value.type === T.null);
        return (doc) => (getPath(doc, path) !== undefined) === wanted;
      }
      default:
        throw unsupportedQuery(key);
    }
  });
}

function compileList(value: RawValue, name: string): Matcher[] {
  if (value.type !== T.array) throw new CommandError('BadValue', `${name} must be an array`);
  return arrayValues(value).map((v) => {
    if (v.type !== T.object) throw new CommandError('BadValue', `${name} argument's entries must be objects`);
    return compileFilter(v.bytes);
  });
}

export function compileFilter(filter: Buffer): Matcher {
  const parts: Matcher[] = [];
  for (const { key, value } of elementsOf(filter)) {
    if (key === '$comment') continue;
    if (key === '$expr') {
      parts.push((doc) => isTruthy(evaluate(value, doc)));
    } else if (key === '$and') {
      const all = compileList(value, key);
      parts.push((doc) => all.every((m) => m(doc)));
    } else if (key === '$or') {
      const any = compileList(value, key);
      parts.push((doc) => any.some((m) => m(doc)));
    } else if (key === '$nor') {
      const none = compileList(value, key);
      parts.push((doc) => !none.some((m) => m(doc)));
    } else if (key.startsWith('$')) {
      throw unsupportedQuery(key);
    } else if (value.type === T.object && elementsOf(value.bytes)[0]?.key.startsWith('$')) {
      parts.push(...compileOperators(key, value));
    } else if (value.type === T.regex) {
      throw unsupportedQuery('regular expression match');
    } else {
      parts.push((doc) => equals(doc, key, value));
    }
  }
  return (doc) => parts.every((m) => m(doc));
}
