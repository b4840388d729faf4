// Read commands: find / getMore / killCursors over lazily scanned collections, aggregate over the
// pipeline subset, and the catalog listings (listDatabases, listCollections, listIndexes) in mongod 7's
// reply shapes, including listCollections' `info.uuid` (a UUID Binary) and `idIndex`.
import { Binary, Long } from 'mongodb';
import { checkFields, checkReadConcern, collectionName, snapshotTime, type CommandContext, type Handler } from './command-context.js';
import { CommandError, unsupported } from './command-error.js';
import { currentOp } from './current-op.js';
import { cursorReply } from './cursors.js';
import { arraySource, scanCollection, type ScanOrder } from './find-scan.js';
import { checkNamespace, defaultIdIndex, type StoredCollection } from './memory-store.js';
import { runPipeline } from './pipeline.js';
import { compileProjection } from './projection.js';
import { compileFilter } from './query-match.js';
import { arrayValues, buildDocument, encodeReply, getField, T, type RawValue } from './raw-bson.js';

function rawDocument(bytes: Buffer): RawValue {
  return { type: T.object, bytes };
}

function documentField(ctx: CommandContext, key: string): Buffer | undefined {
  const value = getField(ctx.body, key);
  if (value === undefined || value.type === T.null) return undefined;
  if (value.type !== T.object) throw new CommandError('BadValue', `${ctx.name}.${key} must be an object`);
  return value.bytes;
}

function optionalCount(ctx: CommandContext, key: string): number | undefined {
  const value = ctx.cmd[key] as unknown;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new CommandError('BadValue', `${ctx.name}.${key} must be a non-negative integer`);
  return value;
}

function sortOrder(ctx: CommandContext): ScanOrder {
  const sort = ctx.cmd.sort as Record<string, unknown> | undefined;
  const keys = sort ? Object.keys(sort) : [];
  if (keys.length === 0) return 'natural';
  if (keys.length === 1 && keys[0] === '$natural' && sort!.$natural === 1) return 'natural';
  if (keys.length === 1 && keys[0] === '_id' && (sort!._id === 1 || sort!._id === -1)) return sort!._id as 1 | -1;
  throw unsupported(`sort ${JSON.stringify(sort)} (only {_id: ±1} and natural order)`);
}

const find: Handler = (ctx) => {
  checkFields(ctx, ['filter', 'sort', 'projection', 'skip', 'limit', 'batchSize', 'singleBatch', 'noCursorTimeout', 'allowDiskUse']);
  checkReadConcern(ctx);
  const name = collectionName(ctx);
  checkNamespace(ctx.db, name);
  const at = snapshotTime(ctx);
  const filter = documentField(ctx, 'filter') ?? buildDocument([]);
  const projection = documentField(ctx, 'projection');
  const source = scanCollection(ctx.store.readable(ctx.db, name), {
    match: compileFilter(filter),
    order: sortOrder(ctx),
    at,
    skip: optionalCount(ctx, 'skip'),
    project: projection ? compileProjection(projection) : undefined,
  });
  const reply = ctx.cursors.start(`${ctx.db}.${name}`, source, {
    batchSize: optionalCount(ctx, 'batchSize'),
    limit: optionalCount(ctx, 'limit'),
    singleBatch: ctx.cmd.singleBatch === true,
    atClusterTime: at,
  });
  return cursorReply(reply, 'firstBatch', at);
};

const getMore: Handler = (ctx) => {
  checkFields(ctx, ['collection', 'batchSize']);
  const id = getField(ctx.body, 'getMore');
  if (!id || id.type !== T.int64) throw new CommandError('BadValue', 'getMore must be a cursor id (int64)');
  const reply = ctx.cursors.more(id.bytes.readBigInt64LE(0), optionalCount(ctx, 'batchSize'));
  return cursorReply(reply, 'nextBatch');
};

const killCursors: Handler = (ctx) => {
  checkFields(ctx, ['cursors']);
  const ids = arrayValues(getField(ctx.body, 'cursors') ?? { type: T.array, bytes: buildDocument([]) }).map((v) => v.bytes.readBigInt64LE(0));
  const { killed, notFound } = ctx.cursors.kill(ids);
  const longs = (list: bigint[]) => list.map((id) => Long.fromBigInt(id));
  return encodeReply({ cursorsKilled: longs(killed), cursorsNotFound: longs(notFound), cursorsAlive: [], cursorsUnknown: [], ok: 1 });
};

const aggregate: Handler = (ctx) => {
  checkFields(ctx, ['pipeline', 'cursor', 'allowDiskUse']);
  checkReadConcern(ctx);
  const pipelineValue = getField(ctx.body, 'pipeline');
  if (!pipelineValue || pipelineValue.type !== T.array) throw new CommandError('FailedToParse', "'pipeline' option must be specified as an array");
  const stages = arrayValues(pipelineValue);
  const at = snapshotTime(ctx);
  const batchSize = (ctx.cmd.cursor as { batchSize?: number } | undefined)?.batchSize;
  const target = ctx.cmd.aggregate as unknown;
  let input: Buffer[];
  let ns: string;
  if (target === 1) {
    const first = stages[0] ? getField(stages[0].bytes, '$currentOp') : undefined;
    if (!first || ctx.db !== 'admin') throw unsupported('collection-less aggregate other than $currentOp on admin');
    input = currentOp(ctx, first);
    stages.shift();
    ns = 'admin.$cmd.aggregate';
  } else {
    const name = collectionName(ctx);
    checkNamespace(ctx.db, name);
    const coll = ctx.store.readable(ctx.db, name);
    input = coll ? [...coll.scan(at)].map((v) => v.raw) : [];
    ns = `${ctx.db}.${name}`;
  }
  const results = runPipeline(stages, input);
  const reply = ctx.cursors.start(ns, arraySource(results), { batchSize, atClusterTime: at });
  return cursorReply(reply, 'firstBatch', at);
};

function collectionEntry(coll: StoredCollection, nameOnly: boolean): Buffer {
  const type = coll.kind === 'view' ? 'view' : 'collection';
  if (nameOnly) return encodeReply({ name: coll.name, type });
  if (coll.kind === 'view') return encodeReply({ name: coll.name, type, options: rawDocument(coll.options), info: { readOnly: true } });
  return encodeReply({
    name: coll.name,
    type,
    options: rawDocument(coll.options),
    info: { readOnly: false, uuid: new Binary(coll.uuid, Binary.SUBTYPE_UUID) },
    idIndex: rawDocument(defaultIdIndex()),
  });
}

const listCollections: Handler = (ctx) => {
  checkFields(ctx, ['filter', 'nameOnly', 'authorizedCollections', 'cursor']);
  const nameOnly = ctx.cmd.nameOnly === true;
  const filter = documentField(ctx, 'filter');
  const match = filter ? compileFilter(filter) : () => true;
  const entries = ctx.store
    .collections(ctx.db)
    .map((coll) => ({ full: collectionEntry(coll, false), shown: collectionEntry(coll, nameOnly) }))
    .filter((e) => match(e.full))
    .map((e) => e.shown);
  const batchSize = (ctx.cmd.cursor as { batchSize?: number } | undefined)?.batchSize;
  return cursorReply(ctx.cursors.start(`${ctx.db}.$cmd.listCollections`, arraySource(entries), { batchSize }), 'firstBatch');
};

const listIndexes: Handler = (ctx) => {
  checkFields(ctx, ['cursor']);
  const name = collectionName(ctx);
  const coll = ctx.store.get(ctx.db, name);
  if (!coll) throw new CommandError('NamespaceNotFound', `ns does not exist: ${ctx.db}.${name}`);
  if (coll.kind === 'view') throw new CommandError('CommandNotSupportedOnView', `Namespace ${ctx.db}.${name} is a view, not a collection`);
  const batchSize = (ctx.cmd.cursor as { batchSize?: number } | undefined)?.batchSize;
  return cursorReply(ctx.cursors.start(`${ctx.db}.$cmd.listIndexes.${name}`, arraySource(coll.indexes), { batchSize }), 'firstBatch');
};

const listDatabases: Handler = (ctx) => {
  checkFields(ctx, ['nameOnly', 'authorizedDatabases', 'filter']);
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', 'listDatabases may only be run against the admin database.');
  if (ctx.cmd.filter !== undefined) throw unsupported('listDatabases filter');
  const names = ctx.store.databaseNames().sort();
  if (ctx.cmd.nameOnly === true) return encodeReply({ databases: names.map((name) => ({ name })), ok: 1 });
  const databases = names.map((name) => {
    const bytes = ctx.store.collections(name).reduce((sum, c) => sum + [...c.scan()].reduce((s, v) => s + v.raw.length, 0), 0);
    return { name, sizeOnDisk: bytes, empty: false };
  });
  const totalSize = databases.reduce((s, d) => s + d.sizeOnDisk, 0);
  return encodeReply({ databases, totalSize, totalSizeMb: Math.floor(totalSize / (1 << 20)), ok: 1 });
};

export const READ_COMMANDS: Record<string, Handler> = { find, getMore, killCursors, aggregate, listCollections, listIndexes, listDatabases };
