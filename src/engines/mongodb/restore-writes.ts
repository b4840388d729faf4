// The writes of a MongoDB restore: refuse (or, with replace, drop) target collections that already
// exist, create collections and views with their options, insert documents in bounded unordered
// batches, then build the indexes (after the data, which is faster than maintaining them per insert).
import type { Collection, Document, MongoClient } from 'mongodb';
import { MongoBulkWriteError } from 'mongodb';
import { BsonSplitter } from './bson-stream.js';
import { createOptions, indexesToCreate } from './dump-metadata.js';
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

const NAMESPACE_NOT_FOUND = 26;

function targetName(item: RestoreItem): string {
  return `${item.targetDb}.${item.name}`;
}

/** Target collections that already exist, by target namespace. */
async function existingTargets(client: MongoClient, items: readonly RestoreItem[]): Promise<RestoreItem[]> {
  const byDb = new Map<string, Set<string>>();
  for (const db of new Set(items.map((i) => i.targetDb))) {
    const names = await client.db(db).listCollections({}, { nameOnly: true }).toArray();
    byDb.set(db, new Set(names.map((n) => n.name)));
  }
  return items.filter((item) => {
    const names = byDb.get(item.targetDb)!;
    return names.has(item.name) || names.has(item.dataCollection);
  });
}

/**
 * Check every target before writing anything. Existing collections are an error unless `replace`,
 * which drops them (mongorestore --drop).
 */
export async function prepareTargets(client: MongoClient, items: readonly RestoreItem[], replace: boolean): Promise<void> {
  const existing = await existingTargets(client, items);
  if (existing.length > 0 && !replace) {
    const names = existing.map(targetName);
    throw new Error(
      `the target already has ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', …' : ''}; ` +
        'restore into another database (a target URI ending in /<db> or /<prefix>_*) or replace them (each is dropped first)',
    );
  }
  for (const item of existing) {
    try {
      await client.db(item.targetDb).collection(item.name).drop();
    } catch (error) {
      if ((error as { code?: unknown }).code !== NAMESPACE_NOT_FOUND) throw new Error(`cannot drop ${targetName(item)}: ${(error as Error).message}`, { cause: error });
    }
  }
  // Collections before views: a view may be defined on one of them.
  const ordered = [...items.filter((i) => i.meta.type !== 'view'), ...items.filter((i) => i.meta.type === 'view')];
  for (const item of ordered) {
    // System collections (system.js) cannot be created explicitly; the first insert creates them.
    if (item.name.startsWith('system.')) continue;
    try {
      await client.db(item.targetDb).command({ create: item.name, ...createOptions(item.meta) });
    } catch (error) {
      throw new Error(`cannot create ${item.meta.type} ${targetName(item)}: ${(error as Error).message}`, { cause: error });
    }
  }
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

export async function createIndexes(client: MongoClient, item: RestoreItem): Promise<void> {
  const specs = indexesToCreate(item.meta);
  if (specs.length === 0) return;
  try {
    await client.db(item.targetDb).command({ createIndexes: item.name, indexes: specs });
  } catch (error) {
    throw new Error(`cannot build the indexes of ${targetName(item)}: ${(error as Error).message}`, { cause: error });
  }
}
