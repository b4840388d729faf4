// One RDB-encoded value (as in an RDB file and in a DUMP payload): skipped, or summarised for the
// sample digest. Types this code does not know make the caller stop scanning (RdbUnsupported);
// the file itself may still be perfectly loadable by redis-server.
import { intsetCount, listpackCount, RdbFormatError, ziplistCount } from './rdb-compact.js';
import { RdbInput } from './rdb-input.js';
import { sha256Of, type KeySampler, type ValueSummary } from './key-sample.js';

export class RdbUnsupported extends Error {}

/** Values larger than this are not summarised (so never sampled): summaries must stay cheap. */
const SUMMARY_LIMIT = 16 << 20;

type Gen<T> = Generator<void, T, void>;

function* blobCount(input: RdbInput, count: (blob: Buffer) => number): Gen<number | undefined> {
  const blob = yield* input.string(SUMMARY_LIMIT);
  return blob === undefined ? undefined : count(blob);
}

function* skipStrings(input: RdbInput, n: number): Gen<void> {
  for (let i = 0; i < n; i += 1) yield* input.skipString();
}

export function* skipModuleBody(input: RdbInput): Gen<void> {
  for (;;) {
    const opcode = yield* input.len();
    switch (opcode) {
      case 0:
        return;
      case 1:
      case 2:
        yield* input.len();
        break;
      case 3:
        yield* input.skip(4);
        break;
      case 4:
        yield* input.skip(8);
        break;
      case 5:
        yield* input.skipString();
        break;
      default:
        throw new RdbUnsupported(`unknown module value opcode ${opcode}`);
    }
  }
}

function* skipStream(input: RdbInput, type: number): Gen<number> {
  const nodes = yield* input.len();
  yield* skipStrings(input, nodes * 2);
  const length = yield* input.len();
  yield* input.len(); // last id
  yield* input.len();
  if (type >= 19) for (let i = 0; i < 5; i += 1) yield* input.len(); // first id, max deleted id, entries added
  const groups = yield* input.len();
  for (let g = 0; g < groups; g += 1) {
    yield* input.skipString();
    yield* input.len();
    yield* input.len();
    if (type >= 19) yield* input.len(); // entries read
    const pending = yield* input.len();
    for (let p = 0; p < pending; p += 1) {
      yield* input.skip(16 + 8); // entry id, delivery time
      yield* input.len(); // delivery count
    }
    const consumers = yield* input.len();
    for (let c = 0; c < consumers; c += 1) {
      yield* input.skipString();
      yield* input.skip(type >= 21 ? 16 : 8); // seen time (and active time)
      const owned = yield* input.len();
      yield* input.skip(owned * 16);
    }
  }
  return length;
}

type Collection = Exclude<ValueSummary['type'], 'string' | 'none'>;

function counted(type: Collection, count: number | undefined, summarize: boolean): ValueSummary | undefined {
  return summarize && count !== undefined ? { type, count } : undefined;
}

/**
 * Consume one value of RDB type `type`. With `summarize`, return its summary, or undefined when it
 * cannot be summarised cheaply (too large, module types); without, return undefined.
 */
export function* readValue(input: RdbInput, type: number, summarize: boolean): Gen<ValueSummary | undefined> {
  switch (type) {
    case 0: {
      if (!summarize) {
        yield* input.skipString();
        return undefined;
      }
      const value = yield* input.string(SUMMARY_LIMIT);
      return value === undefined ? undefined : { type: 'string', sha256: sha256Of(value) };
    }
    case 1:
    case 2: {
      const n = yield* input.len();
      yield* skipStrings(input, n);
      return counted(type === 1 ? 'list' : 'set', n, summarize);
    }
    case 3: {
      const n = yield* input.len();
      for (let i = 0; i < n; i += 1) {
        yield* input.skipString();
        const size = yield* input.u8();
        if (size < 253) yield* input.skip(size);
      }
      return counted('zset', n, summarize);
    }
    case 4: {
      const n = yield* input.len();
      yield* skipStrings(input, n * 2);
      return counted('hash', n, summarize);
    }
    case 5: {
      const n = yield* input.len();
      for (let i = 0; i < n; i += 1) {
        yield* input.skipString();
        yield* input.skip(8);
      }
      return counted('zset', n, summarize);
    }
    case 7:
      yield* input.len(); // module id
      yield* skipModuleBody(input);
      return undefined;
    case 9:
      yield* input.skipString(); // zipmap (Redis < 2.6): not summarised
      return undefined;
    case 10:
    case 11:
    case 12:
    case 13:
    case 16:
    case 17:
    case 20: {
      if (!summarize) {
        yield* input.skipString();
        return undefined;
      }
      switch (type) {
        case 10:
          return counted('list', yield* blobCount(input, ziplistCount), true);
        case 11:
          return counted('set', yield* blobCount(input, intsetCount), true);
        case 12:
          return counted('zset', halve(yield* blobCount(input, ziplistCount)), true);
        case 13:
          return counted('hash', halve(yield* blobCount(input, ziplistCount)), true);
        case 16:
          return counted('hash', halve(yield* blobCount(input, listpackCount)), true);
        case 17:
          return counted('zset', halve(yield* blobCount(input, listpackCount)), true);
        default:
          return counted('set', yield* blobCount(input, listpackCount), true);
      }
    }
    case 14:
    case 18: {
      const nodes = yield* input.len();
      let total: number | undefined = 0;
      for (let i = 0; i < nodes; i += 1) {
        const container = type === 18 ? yield* input.len() : 2;
        if (!summarize || total === undefined) {
          yield* input.skipString();
        } else if (container === 1) {
          yield* input.skipString(); // a plain node holds one element
          total += 1;
        } else {
          const count: number | undefined = yield* blobCount(input, type === 14 ? ziplistCount : listpackCount);
          total = count === undefined ? undefined : total + count;
        }
      }
      return counted('list', total, summarize);
    }
    case 15:
    case 19:
    case 21:
      return counted('stream', yield* skipStream(input, type), summarize);
    default:
      throw new RdbUnsupported(`value type ${type} is not known to this version of Strata`);
  }
}

function halve(count: number | undefined): number | undefined {
  if (count === undefined) return undefined;
  if (count % 2 !== 0) throw new RdbFormatError('a field/value encoding holds an odd number of entries');
  return count / 2;
}

/** Summarise a DUMP payload (type byte, value, 2-byte RDB version, 8-byte CRC); undefined when not summarisable. */
export function summarizeDump(payload: Buffer): ValueSummary | undefined {
  if (payload.length < 11) return undefined;
  const input = new RdbInput();
  input.push(payload.subarray(1, payload.length - 10));
  input.ended = true;
  try {
    const run = readValue(input, payload[0]!, true);
    let step = run.next();
    while (!step.done) step = run.next();
    return step.value;
  } catch {
    return undefined;
  }
}

/** Offer a DUMPed key to the sample: only keys without TTL whose value can be summarised are eligible. */
export function offerDump(sampler: KeySampler, db: number, key: Buffer, persistent: boolean, payload: Buffer): void {
  if (!sampler.wants(db, key)) return;
  const summary = persistent ? summarizeDump(payload) : undefined;
  // A key seen again (SCAN may return a key twice) must not keep a summary of an older value.
  if (summary) sampler.add(db, key, summary);
  else sampler.remove(db, key);
}
