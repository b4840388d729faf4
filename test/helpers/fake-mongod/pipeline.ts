// Aggregation pipelines for the stages the engine and the driver send: $match, $group (an _id
// expression and $sum accumulators: countDocuments' {$sum: 1}, the dump's {$sum: {$bsonSize: '$$ROOT'}}),
// $skip, $limit and $project of plain inclusions. $sum follows the server's result types: int32 while
// the sum fits, then int64; double once a double is added. Other stages fail loudly.
import { Double, Int32, Long } from 'mongodb';
import { equalityKey } from './bson-order.js';
import { integerOf, isNumber, toJsNumber } from './bson-numbers.js';
import { CommandError } from './command-error.js';
import { evaluate } from './expressions.js';
import { compileProjection } from './projection.js';
import { compileFilter } from './query-match.js';
import { buildDocument, decodeValue, elementsOf, NULL, rawOf, T, type RawValue } from './raw-bson.js';

class SumAccumulator {
  private integer = 0n;
  private double = 0;
  private sawDouble = false;
  private sawLong = false;

  add(value: RawValue | undefined): void {
    if (!value || !isNumber(value)) return; // $sum ignores non-numbers
    if (value.type === T.decimal) throw new CommandError('CommandNotFound', 'fake-mongod: unsupported $sum over decimal128');
    if (value.type === T.double) {
      this.sawDouble = true;
      this.double += toJsNumber(value);
      return;
    }
    if (value.type === T.int64) this.sawLong = true;
    this.integer += integerOf(value)!;
  }

  result(): RawValue {
    if (this.sawDouble) return rawOf(new Double(this.double + Number(this.integer)));
    const fitsInt32 = this.integer >= -(2n ** 31n) && this.integer < 2n ** 31n;
    if (!this.sawLong && fitsInt32) return rawOf(new Int32(Number(this.integer)));
    return rawOf(Long.fromBigInt(this.integer));
  }
}

function groupStage(spec: RawValue, docs: Buffer[]): Buffer[] {
  const elements = elementsOf(spec.bytes);
  const idSpec = elements.find((e) => e.key === '_id');
  if (!idSpec) throw new CommandError('BadValue', "a group specification must include an _id");
  const accumulators = elements
    .filter((e) => e.key !== '_id')
    .map((e) => {
      const op = elementsOf(e.value.bytes);
      if (e.value.type !== T.object || op.length !== 1 || op[0]!.key !== '$sum') {
        throw new CommandError('InvalidPipelineOperator', `fake-mongod: unsupported $group accumulator for ${e.key} (only $sum)`);
      }
      return { name: e.key, argument: op[0]!.value };
    });
  const groups = new Map<string, { id: RawValue; sums: SumAccumulator[] }>();
  for (const doc of docs) {
    const id = evaluate(idSpec.value, doc) ?? NULL;
    const key = equalityKey(id);
    let group = groups.get(key);
    if (!group) {
      group = { id, sums: accumulators.map(() => new SumAccumulator()) };
      groups.set(key, group);
    }
    accumulators.forEach((acc, i) => group.sums[i]!.add(evaluate(acc.argument, doc)));
  }
  return [...groups.values()].map((g) => buildDocument([['_id', g.id], ...accumulators.map((acc, i) => [acc.name, g.sums[i]!.result()] as const)]));
}

function count(value: RawValue, stage: string): number {
  if (!isNumber(value)) throw new CommandError('BadValue', `${stage} requires a number`);
  const n = integerOf(value);
  if (n === undefined || n < 0n) throw new CommandError('BadValue', `${stage} requires a non-negative integer`);
  return Number(n);
}

/** Run `stages` over the input documents (all in memory: the fake's collections are small). */
export function runPipeline(stages: RawValue[], input: Iterable<Buffer>): Buffer[] {
  let docs = [...input];
  for (const stage of stages) {
    if (stage.type !== T.object) throw new CommandError('BadValue', 'each element of the pipeline array must be an object');
    const [first, ...rest] = elementsOf(stage.bytes);
    if (!first || rest.length > 0) throw new CommandError('BadValue', 'A pipeline stage specification object must contain exactly one field.');
    const { key, value } = first;
    switch (key) {
      case '$match': {
        const match = compileFilter(value.bytes);
        docs = docs.filter((d) => match(d));
        break;
      }
      case '$group':
        docs = groupStage(value, docs);
        break;
      case '$skip':
        docs = docs.slice(count(value, key));
        break;
      case '$limit':
        docs = docs.slice(0, count(value, key));
        break;
      case '$project': {
        const project = compileProjection(value.bytes);
        docs = docs.map((d) => project(d));
        break;
      }
      default:
        throw new CommandError('UnrecognizedPipelineStage', `fake-mongod: unsupported pipeline stage ${key} (${JSON.stringify(decodeValue(value))})`);
    }
  }
  return docs;
}
