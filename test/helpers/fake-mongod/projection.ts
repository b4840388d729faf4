// Projections of top-level fields, on raw documents: inclusion ({_id: 1, a: 1}; _id comes along unless
// {_id: 0}) or exclusion ({a: 0}). Fields keep their order and bytes. Dotted paths, $slice, $elemMatch
// and computed fields fail loudly.
import { isTruthy } from './expressions.js';
import { CommandError } from './command-error.js';
import { documentFromElements, elementsOf, T } from './raw-bson.js';
import { isNumber } from './bson-numbers.js';

export function compileProjection(spec: Buffer): (raw: Buffer) => Buffer {
  const fields = elementsOf(spec);
  if (fields.length === 0) return (raw) => raw;
  const include = new Set<string>();
  const exclude = new Set<string>();
  let idIncluded = true;
  for (const { key, value } of fields) {
    if (key.includes('.') || key.startsWith('$') || !(isNumber(value) || value.type === T.bool)) {
      throw new CommandError('CommandNotFound', `fake-mongod: unsupported projection of ${key}`);
    }
    const on = isTruthy(value);
    if (key === '_id') idIncluded = on;
    else (on ? include : exclude).add(key);
  }
  if (include.size > 0 && exclude.size > 0) throw new CommandError('BadValue', 'Cannot do exclusion on field in inclusion projection');
  const inclusion = include.size > 0 || (exclude.size === 0 && idIncluded);
  return (raw) => {
    const kept = elementsOf(raw).filter((e) => {
      if (e.key === '_id') return idIncluded;
      return inclusion ? include.has(e.key) : !exclude.has(e.key);
    });
    return documentFromElements(kept.map((e) => raw.subarray(e.start, e.end)));
  };
}
