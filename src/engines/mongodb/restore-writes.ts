// The writes of a MongoDB restore: refuse target collections that already exist (unless replace), insert
// documents in bounded unordered batches, then build the indexes (after the data, which is faster than
// maintaining them per insert). Where the documents go first, and how they reach their final names only
// after the input was verified, is restore-staging.ts.
import type { Collection, Document, MongoClient } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';
import { BsonSplitter } from './bson-stream.js';
import { indexesToCreate } from './dump-metadata.js';
import { insertableDocument } from './insertable-document.js';
import type { RestoreItem } from './restore-plan.js';

/**
 * Insert batches are bounded by count and by BSON bytes, so memory stays bounded whatever the data.
 * Small on purpose: every document of the batch being filled and of the one in flight is a tree of
 * JavaScript objects (~2.5× its BSON size) that the driver keeps until the insert answers, so these
 * survive young-generation collections and pile up in the old generation until a full GC. With 1000
 * documents / 8 MiB a restore peaked at ~265 MB RSS; with 250 / 2 MiB at ~195 MB (bench/mongodb).
 */
export const BATCH_DOCS = 250;
export const BATCH_BYTES = 2 << 20;

export function targetName(item: RestoreItem): string {
  return `${item.targetDb}.${item.name}`;
}

/** The type (collection, view, timeseries) of each target that already exists, by item. */
export type ExistingTargets = Map<RestoreItem, string>;

/**
 * Check every target before writing anything: existing collections are an error unless `replace` (they are
 * then replaced once the restore is verified). Returns what exists, for the commit to replace.
 */
export async function checkTargets(client: MongoClient, items: readonly RestoreItem[], replace: boolean): Promise<ExistingTargets> {
  const byDb = new Map<string, Map<string, string>>();
  for (const db of new Set(items.map((i) => i.targetDb))) {
    const infos = await client.db(db).listCollections({}, { nameOnly: true }).toArray();
    byDb.set(db, new Map(infos.map((info) => [info.name, (info as { type?: string }).type ?? 'collection'])));
  }
  const existing: ExistingTargets = new Map();
  for (const item of items) {
    const names = byDb.get(item.targetDb)!;
    const type = names.get(item.name) ?? (names.has(item.dataCollection) ? 'timeseries' : undefined);
    if (type !== undefined) existing.set(item, type);
  }
  if (existing.size > 0 && !replace) {
    const names = [...existing.keys()].map(targetName);
    throw new Error(
      `the target already has ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}; ` +
        'restore into another database (a target URI ending in /<db> or /<prefix>_*) or replace them (--drop, or in place over the source: each is replaced once the whole backup was read and verified)',
    );
  }
  return existing;
}

function describeWriteError(error: unknown): string {
  if (error instanceof MongoBulkWriteError) {
    const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
    const first = errors[0];
    return `${errors.length} document(s) refused${first ? `, first: ${first.errmsg ?? ''}` : ''}`;
  }
  return (error as Error).message;
}

export interface InsertResult {
  docs: number;
  bytes: number;
}

/** Insert the documents of one `.bson` body. At most one batch is in flight while the next one fills. */
export async function insertDocuments(collection: Collection, item: RestoreItem, body: AsyncIterable<Buffer>, signal?: AbortSignal): Promise<InsertResult> {
  const splitter = new BsonSplitter(item.bsonPath ?? targetName(item));
  const result: InsertResult = { docs: 0, bytes: 0 };
  let batch: Document[] = [];
  let batchBytes = 0;
  let pending: Promise<unknown> | undefined;
  const send = async (): Promise<void> => {
    const docs = batch;
    batch = [];
    batchBytes = 0;
    if (pending) await pending;
    if (signal?.aborted) throw new Error('restore aborted');
    const insert = collection.insertMany(docs, { ordered: false, bypassDocumentValidation: true, forceServerObjectId: true }).catch((error: unknown) => {
      throw new Error(`inserting into ${targetName(item)} failed: ${describeWriteError(error)}`, { cause: error });
    });
    insert.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
    pending = insert;
  };
  for await (const chunk of body) {
    for (const raw of splitter.push(chunk)) {
      batch.push(insertableDocument(raw));
      batchBytes += raw.length;
      result.docs += 1;
      result.bytes += raw.length;
      if (batch.length >= BATCH_DOCS || batchBytes >= BATCH_BYTES) await send();
    }
  }
  splitter.end();
  if (batch.length > 0) await send();
  if (pending) await pending;
  return result;
}

/** Build the item's indexes on `collection` (its staging collection, or the item itself). */
export async function createIndexes(client: MongoClient, item: RestoreItem, collection = item.name): Promise<void> {
  const specs = indexesToCreate(item.meta);
  if (specs.length === 0) return;
  try {
    await client.db(item.targetDb).command({ createIndexes: collection, indexes: specs });
  } catch (error) {
    throw new Error(`cannot build the indexes of ${targetName(item)}: ${(error as Error).message}`, { cause: error });
  }
}
