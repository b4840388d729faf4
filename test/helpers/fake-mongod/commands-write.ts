// Write commands: insert (documents in the body or in an OP_MSG document sequence), delete, update with
// top-level $set, create (collections and views; options stored verbatim, in the given order and types),
// createIndexes, drop and dropDatabase. A view is recorded in `<db>.system.views` like mongod does, and
// listed from there; the fake never evaluates it.
import { Int32, type Document } from 'mongodb';
import { equalityKey, valuesEqual } from './bson-order.js';
import { checkFields, collectionName, type CommandContext, type Handler } from './command-context.js';
import { CommandError, unsupported } from './command-error.js';
import { indexKey, indexName, normalizeIndexSpec, sameIndex } from './index-specs.js';
import { insertDocuments, type WriteError } from './insert-documents.js';
import { checkNamespace, type StoredCollection } from './memory-store.js';
import { compileFilter } from './query-match.js';
import { arrayValues, buildDocument, decodePlain, documentFromElements, elementsOf, encodeElement, encodeReply, getField, rawOf, T, type RawValue } from './raw-bson.js';
import { uniqueIndexOf } from './unique-indexes.js';

/** Documents of a write command: its OP_MSG document sequence, or the array in its body. */
function commandDocuments(ctx: CommandContext, field: string): Buffer[] {
  const sequence = ctx.sequences.get(field);
  const inBody = getField(ctx.body, field);
  if (sequence && inBody) throw new CommandError('BadValue', `${field} given both in the body and as a document sequence`);
  if (sequence) return sequence;
  if (!inBody || inBody.type !== T.array) throw new CommandError('BadValue', `${ctx.name}.${field} must be an array`);
  return arrayValues(inBody).map((v) => {
    if (v.type !== T.object) throw new CommandError('BadValue', `${ctx.name}.${field} must hold documents`);
    return v.bytes;
  });
}

function writeErrorsReply(n: number, writeErrors: WriteError[], extra: Record<string, unknown> = {}): Buffer {
  return encodeReply({
    n,
    ...extra,
    ...(writeErrors.length > 0
      ? {
          writeErrors: writeErrors.map((e) => ({
            index: e.index,
            code: e.code,
            ...(e.keyPattern ? { keyPattern: e.keyPattern, keyValue: e.keyValue ? decodePlain(e.keyValue.bytes) : undefined } : {}),
            errmsg: e.errmsg,
          })),
        }
      : {}),
    ok: 1,
  });
}

const insert: Handler = (ctx) => {
  // The sequence, when used, is not in the body: allow its name among the fields.
  checkFields(ctx, ['documents', 'ordered', 'bypassDocumentValidation']);
  const name = collectionName(ctx);
  checkNamespace(ctx.db, name);
  const docs = commandDocuments(ctx, 'documents');
  const coll = ctx.store.writable(ctx.db, name);
  const { n, writeErrors } = insertDocuments(coll, docs, ctx.cmd.ordered !== false, ctx.clock.tick());
  return writeErrorsReply(n, writeErrors);
};

const deleteCommand: Handler = (ctx) => {
  checkFields(ctx, ['deletes', 'ordered']);
  const name = collectionName(ctx);
  const coll = ctx.store.get(ctx.db, name);
  if (coll?.kind === 'view') throw new CommandError('CommandNotSupportedOnView', `Namespace ${ctx.db}.${name} is a view, not a collection`);
  let n = 0;
  const time = ctx.clock.tick();
  for (const statement of commandDocuments(ctx, 'deletes')) {
    const spec = decodePlain(statement);
    for (const key of Object.keys(spec)) if (key !== 'q' && key !== 'limit') throw unsupported(`delete statement field ${key}`);
    const match = compileFilter(getField(statement, 'q')!.bytes);
    const limit = spec.limit === 1 ? 1 : Number.POSITIVE_INFINITY;
    let removed = 0;
    for (const record of coll?.records ?? []) {
      if (removed >= limit) break;
      const version = record.visible();
      if (version && match(version.raw)) {
        coll!.remove(record, time);
        removed += 1;
      }
    }
    n += removed;
  }
  return encodeReply({ n, ok: 1 });
};

/** `{$set: {field: value}}` on top-level fields: an existing field keeps its place, a new one is appended. */
function applySet(raw: Buffer, set: RawValue): Buffer {
  const updates = elementsOf(set.bytes);
  const parts: Buffer[] = [];
  const done = new Set<string>();
  for (const e of elementsOf(raw)) {
    const update = updates.find((u) => u.key === e.key);
    if (update) {
      if (e.key === '_id' && !valuesEqual(update.value, e.value)) throw new CommandError('BadValue', "Performing an update on the path '_id' would modify the immutable field '_id'");
      parts.push(encodeElement(e.key, update.value));
      done.add(e.key);
    } else {
      parts.push(raw.subarray(e.start, e.end));
    }
  }
  for (const u of updates) if (!done.has(u.key)) parts.push(encodeElement(u.key, u.value));
  return documentFromElements(parts);
}

const update: Handler = (ctx) => {
  checkFields(ctx, ['updates', 'ordered', 'bypassDocumentValidation']);
  const name = collectionName(ctx);
  const coll = ctx.store.get(ctx.db, name);
  let n = 0;
  const time = ctx.clock.tick();
  for (const statement of commandDocuments(ctx, 'updates')) {
    const spec = decodePlain(statement);
    for (const key of Object.keys(spec)) if (!['q', 'u', 'multi', 'upsert'].includes(key)) throw unsupported(`update statement field ${key}`);
    if (spec.upsert === true) throw unsupported('upsert');
    const u = getField(statement, 'u')!;
    const ops = u.type === T.object ? elementsOf(u.bytes) : [];
    if (ops.length !== 1 || ops[0]!.key !== '$set' || ops[0]!.value.type !== T.object) throw unsupported('update other than a single top-level $set');
    if (elementsOf(ops[0]!.value.bytes).some((e) => e.key.includes('.') || e.key.startsWith('$'))) throw unsupported('$set of a dotted or $ path');
    const match = compileFilter(getField(statement, 'q')!.bytes);
    for (const record of coll?.records ?? []) {
      const version = record.visible();
      if (!version || !match(version.raw)) continue;
      coll!.replace(record, applySet(version.raw, ops[0]!.value), time);
      n += 1;
      if (spec.multi !== true) break;
    }
  }
  return encodeReply({ n, nModified: n, ok: 1 });
};

/** create options the fake stores verbatim; timeseries, clustered and encrypted collections are refused. */
const CREATE_OPTIONS = ['capped', 'size', 'max', 'validator', 'validationLevel', 'validationAction', 'viewOn', 'pipeline', 'collation', 'storageEngine', 'indexOptionDefaults', 'changeStreamPreAndPostImages', 'expireAfterSeconds'];
const REFUSED_OPTIONS = ['timeseries', 'clusteredIndex', 'encryptedFields', 'autoIndexId', 'idIndex', 'recordPreImages'];
const NON_OPTIONS = new Set(['create', '$db', 'lsid', '$clusterTime', '$readPreference', 'writeConcern', 'comment', 'maxTimeMS', 'txnNumber', 'apiVersion', 'apiStrict', 'apiDeprecationErrors']);

function systemViews(ctx: CommandContext): StoredCollection {
  return ctx.store.get(ctx.db, 'system.views') ?? ctx.store.create(ctx.db, 'system.views', 'collection', buildDocument([]));
}

const create: Handler = (ctx) => {
  for (const key of Object.keys(ctx.cmd)) {
    if (REFUSED_OPTIONS.includes(key)) throw unsupported(`create option ${key} (no time series, clustered or encrypted collections)`);
    if (!NON_OPTIONS.has(key) && !CREATE_OPTIONS.includes(key)) throw new CommandError('UnknownField', `BSON field 'create.${key}' is an unknown field.`);
  }
  const name = collectionName(ctx);
  checkNamespace(ctx.db, name);
  if (name.startsWith('system.')) throw new CommandError('InvalidNamespace', `Invalid system namespace: ${ctx.db}.${name}`);
  const options = documentFromElements(elementsOf(ctx.body).filter((e) => !NON_OPTIONS.has(e.key)).map((e) => ctx.body.subarray(e.start, e.end)));
  const isView = ctx.cmd.viewOn !== undefined;
  if (isView && typeof ctx.cmd.viewOn !== 'string') throw new CommandError('BadValue', "'viewOn' option must be a string");
  if (!isView && ctx.cmd.pipeline !== undefined) throw new CommandError('BadValue', "'pipeline' requires 'viewOn' to also be specified");
  const existing = ctx.store.get(ctx.db, name);
  if (existing) {
    // mongod 7 accepts a repeated create with identical options.
    if (existing.kind === (isView ? 'view' : 'collection') && valuesEqual({ type: T.object, bytes: existing.options }, { type: T.object, bytes: options })) return encodeReply({ ok: 1 });
    throw new CommandError('NamespaceExists', `Collection ${ctx.db}.${name} already exists.`);
  }
  const time = ctx.clock.tick();
  if (isView) {
    const pipeline = getField(ctx.body, 'pipeline') ?? rawOf([]);
    const views = systemViews(ctx);
    ctx.store.create(ctx.db, name, 'view', options);
    views.append(buildDocument([['_id', rawOf(`${ctx.db}.${name}`)], ['viewOn', getField(ctx.body, 'viewOn')!], ['pipeline', pipeline]]), rawOf(`${ctx.db}.${name}`), time);
  } else {
    ctx.store.create(ctx.db, name, 'collection', options);
  }
  return encodeReply({ ok: 1 });
};

const createIndexes: Handler = (ctx) => {
  checkFields(ctx, ['indexes', 'commitQuorum']);
  const name = collectionName(ctx);
  checkNamespace(ctx.db, name);
  const created = ctx.store.get(ctx.db, name) === undefined;
  const coll = ctx.store.writable(ctx.db, name);
  const before = coll.indexes.length;
  for (const spec of commandDocuments(ctx, 'indexes').map(normalizeIndexSpec)) {
    const same = coll.indexes.find((existing) => indexName(existing) === indexName(spec));
    if (same) {
      if (sameIndex(same, spec)) continue;
      throw new CommandError('IndexKeySpecsConflict', `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(decodePlain(spec))}, existing index: ${JSON.stringify(decodePlain(same))}`);
    }
    const sameKey = coll.indexes.find((existing) => valuesEqual(indexKey(existing), indexKey(spec)) && !sameIndex(existing, spec));
    if (sameKey && (getField(sameKey, 'partialFilterExpression') === undefined) === (getField(spec, 'partialFilterExpression') === undefined)) {
      throw new CommandError('IndexOptionsConflict', `Index already exists with a different name: ${indexName(sameKey)}`);
    }
    const unique = uniqueIndexOf(spec);
    if (unique) {
      for (const version of coll.scan()) {
        if (unique.clashes(version.raw)) {
          throw new CommandError('DuplicateKey', `Index build failed: E11000 duplicate key error collection: ${coll.namespace} index: ${unique.name} dup key: ${unique.describe(version.raw)}`);
        }
        unique.add(version.raw);
      }
    }
    coll.indexes.push(spec);
  }
  const after = coll.indexes.length;
  const reply: Document = { numIndexesBefore: new Int32(before), numIndexesAfter: new Int32(after), createdCollectionAutomatically: created };
  if (before === after) reply.note = 'all indexes already exist';
  return encodeReply({ ...reply, ok: 1 });
};

const drop: Handler = (ctx) => {
  checkFields(ctx, []);
  const name = collectionName(ctx);
  const coll = ctx.store.get(ctx.db, name);
  if (!coll) return encodeReply({ ok: 1 }); // mongod 7: dropping a missing collection is not an error
  ctx.store.drop(ctx.db, name);
  const time = ctx.clock.tick();
  if (coll.kind === 'view') {
    const views = ctx.store.get(ctx.db, 'system.views');
    const record = views?.byId.get(equalityKey(rawOf(coll.namespace)));
    if (views && record) views.remove(record, time);
    return encodeReply({ ns: coll.namespace, ok: 1 });
  }
  return encodeReply({ nIndexesWas: new Int32(coll.indexes.length), ns: coll.namespace, ok: 1 });
};

/** `db.coll` → [db, coll] (the database name holds no dot; the collection name may). */
function splitNamespace(value: unknown, field: string): [string, string] {
  if (typeof value !== 'string' || !value.includes('.')) throw new CommandError('InvalidNamespace', `Invalid ${field} namespace: ${String(value)}`);
  const dot = value.indexOf('.');
  return [value.slice(0, dot), value.slice(dot + 1)];
}

/** renameCollection on admin, with dropTarget; views cannot be renamed, and nothing is renamed into system.*. */
const renameCollection: Handler = (ctx) => {
  checkFields(ctx, ['to', 'dropTarget']);
  if (ctx.db !== 'admin') throw new CommandError('Unauthorized', 'renameCollection may only be run against the admin database.');
  const [db, name] = splitNamespace(ctx.cmd.renameCollection, 'source');
  const [toDb, to] = splitNamespace(ctx.cmd.to, 'target');
  const source = ctx.store.get(db, name);
  if (!source) throw new CommandError('NamespaceNotFound', `Source collection ${db}.${name} does not exist`);
  if (source.kind === 'view') throw new CommandError('CommandNotSupportedOnView', `cannot rename view: ${db}.${name}`);
  if (to.startsWith('system.') || name.startsWith('system.')) throw new CommandError('InvalidNamespace', `Invalid system namespace: ${toDb}.${to}`);
  const target = ctx.store.get(toDb, to);
  if (target) {
    if (ctx.cmd.dropTarget !== true) throw new CommandError('NamespaceExists', 'target namespace exists');
    if (target.kind === 'view') throw unsupported('renameCollection with dropTarget over a view');
    ctx.store.drop(toDb, to);
  }
  ctx.clock.tick();
  ctx.store.rename(db, name, toDb, to);
  return encodeReply({ ok: 1 });
};

const dropDatabase: Handler = (ctx) => {
  checkFields(ctx, []);
  if (ctx.cmd.dropDatabase !== 1) throw new CommandError('BadValue', 'dropDatabase takes 1');
  ctx.clock.tick();
  ctx.store.dropDatabase(ctx.db);
  return encodeReply({ dropped: ctx.db, ok: 1 });
};

export const WRITE_COMMANDS: Record<string, Handler> = { insert, delete: deleteCommand, update, create, createIndexes, drop, dropDatabase, renameCollection };
