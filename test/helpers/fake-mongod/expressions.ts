// Aggregation expressions, on raw BSON, for the few the engine and its tests send: field paths
// ('$_id', '$a.b'), '$$ROOT', $literal, comparisons in MongoDB's cross-type order ($eq $ne $gt $gte
// $lt $lte $cmp), $and / $or / $not, and $bsonSize. Anything else fails loudly.
import { compareValues } from './bson-order.js';
import { integerOf, isNumber } from './bson-numbers.js';
import { CommandError } from './command-error.js';
import { arrayValues, buildArray, buildDocument, elementsOf, getPath, NULL, rawBool, rawOf, T, type RawValue } from './raw-bson.js';
import { Int32 } from 'mongodb';

/** `undefined` is "missing" (a path that leads nowhere), which differs from null. */
export type Evaluated = RawValue | undefined;

function unsupportedOperator(name: string): CommandError {
  return new CommandError('InvalidPipelineOperator', `fake-mongod: unsupported expression operator ${name}`);
}

/** Truthiness as $expr and $and see it: false, null, undefined, missing and 0 are false. */
export function isTruthy(value: Evaluated): boolean {
  if (value === undefined) return false;
  if (value.type === T.bool) return value.bytes[0] === 1;
  if (value.type === T.null || value.type === T.undefined) return false;
  if (isNumber(value)) return integerOf(value) !== 0n;
  return true;
}

function operands(value: RawValue, name: string, count?: number): RawValue[] {
  const args = value.type === T.array ? arrayValues(value) : [value];
  if (count !== undefined && args.length !== count) {
    throw new CommandError('BadValue', `Expression ${name} takes exactly ${count} arguments. ${args.length} were passed in.`);
  }
  return args;
}

/** Comparison of two evaluated values; missing sorts below everything (like the server's EOO). */
function compareEvaluated(a: Evaluated, b: Evaluated): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? -1 : 1;
  return compareValues(a, b);
}

const COMPARISONS: Record<string, (c: number) => boolean> = {
  $eq: (c) => c === 0,
  $ne: (c) => c !== 0,
  $gt: (c) => c > 0,
  $gte: (c) => c >= 0,
  $lt: (c) => c < 0,
  $lte: (c) => c <= 0,
};

export function evaluate(expr: RawValue, root: Buffer): Evaluated {
  if (expr.type === T.string) {
    const text = expr.bytes.toString('utf8', 4, expr.bytes.length - 1);
    if (text === '$$ROOT' || text === '$$CURRENT') return { type: T.object, bytes: root };
    if (text.startsWith('$$')) throw unsupportedOperator(`variable ${text}`);
    if (text.startsWith('$')) return getPath(root, text.slice(1));
    return expr;
  }
  if (expr.type === T.array) return buildArray(arrayValues(expr).map((e) => evaluate(e, root) ?? NULL));
  if (expr.type !== T.object) return expr;
  const elements = elementsOf(expr.bytes);
  const first = elements[0];
  if (!first || !first.key.startsWith('$')) {
    // An object expression: each field evaluated (missing fields are left out, as the server does).
    const fields: [string, RawValue][] = [];
    for (const e of elements) {
      const value = evaluate(e.value, root);
      if (value !== undefined) fields.push([e.key, value]);
    }
    return { type: T.object, bytes: buildDocument(fields) };
  }
  if (elements.length !== 1) throw new CommandError('BadValue', `an expression specification must contain exactly one field, the name of the expression. Found ${elements.length} fields`);
  const { key: name, value: arg } = first;
  if (name === '$literal') return arg;
  const comparison = COMPARISONS[name];
  if (comparison) {
    const [a, b] = operands(arg, name, 2);
    return rawBool(comparison(compareEvaluated(evaluate(a!, root), evaluate(b!, root))));
  }
  switch (name) {
    case '$cmp': {
      const [a, b] = operands(arg, name, 2);
      return rawOf(new Int32(compareEvaluated(evaluate(a!, root), evaluate(b!, root))));
    }
    case '$and':
      return rawBool(operands(arg, name).every((e) => isTruthy(evaluate(e, root))));
    case '$or':
      return rawBool(operands(arg, name).some((e) => isTruthy(evaluate(e, root))));
    case '$not': {
      const [a] = operands(arg, name, 1);
      return rawBool(!isTruthy(evaluate(a!, root)));
    }
    case '$bsonSize': {
      const value = evaluate(arg, root);
      if (value === undefined || value.type === T.null || value.type === T.undefined) return NULL;
      if (value.type !== T.object) throw new CommandError('BadValue', `$bsonSize requires a document input, found: type 0x${value.type.toString(16)}`);
      return rawOf(new Int32(value.bytes.length));
    }
    default:
      throw unsupportedOperator(name);
  }
}
