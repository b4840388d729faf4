// The cases of the collection-dump test, shared by the real-server suite (collection-dump.test.ts) and
// the FAKE-mongod suite (../mongodb-fake/collection-dump.test.ts). One collection's tar entry under
// concurrent writes. Without a snapshot (standalone), a collection larger
// than the in-memory buffer is sized before it is read: later inserts past the largest _id are left out,
// and a change that alters the byte size fails loudly instead of writing a corrupt entry. In a snapshot
// session (replica set), writes during the read change nothing in the entry.
import { Readable } from 'node:stream';
import type { Collection, Document, Filter, MongoClient } from 'mongodb';
import { expect, it } from 'vitest';
import { dumpPlainCollection, dumpSnapshotCollection, type CollectionDumpResult } from '../../../../src/engines/mongodb/collection-dump.js';
import { BsonSplitter } from '../../../../src/engines/mongodb/bson-stream.js';
import { endOfArchive } from '../../../../src/engines/mongodb/tar-frames.js';
import { readTar } from '../../../../src/engines/mongodb/tar-read.js';
import { asDocuments } from './fixture.js';

/** Run a dump generator, calling `between` once after its first chunk (the entry header is out). */
async function drive(dump: AsyncGenerator<Buffer, CollectionDumpResult>, between?: () => Promise<void>): Promise<{ entry: Buffer; result: CollectionDumpResult }> {
  const chunks: Buffer[] = [];
  let first = true;
  for (;;) {
    const step = await dump.next();
    if (step.done) return { entry: Buffer.concat(chunks), result: step.value };
    chunks.push(step.value);
    if (first && between) await between();
    first = false;
  }
}

/** The documents (hex) of a single-entry archive, checking its framing. */
async function entryDocs(entry: Buffer, path: string): Promise<string[]> {
  const docs: string[] = [];
  let entries = 0;
  for await (const e of readTar(Readable.from([Buffer.concat([entry, endOfArchive()])]))) {
    entries += 1;
    expect(e.path).toBe(path);
    const splitter = new BsonSplitter(path);
    for await (const chunk of e.body()) docs.push(...splitter.push(chunk).map((d) => d.toString('hex')));
    splitter.end();
  }
  expect(entries).toBe(1);
  return docs;
}

/** Filters on non-ObjectId _ids (the driver's types assume ObjectId). */
function filter(value: Record<string, unknown>): Filter<Document> {
  return value as Filter<Document>;
}

async function rawDocs(collection: Collection): Promise<string[]> {
  const docs = (await collection.find({}, { raw: true, sort: { _id: 1 } }).toArray()) as unknown as Uint8Array[];
  return docs.map((d) => Buffer.from(d).toString('hex'));
}

async function seed(collection: Collection): Promise<void> {
  await collection.insertMany(asDocuments(Array.from({ length: 400 }, (_, i) => ({ _id: i, payload: 'p'.repeat(50 + (i % 30)) }))));
}

function target(collection: Collection) {
  return { collection, namespace: `${collection.dbName}.${collection.collectionName}`, path: `${collection.dbName}/${collection.collectionName}.bson`, mtime: new Date() };
}

/** Without a snapshot (standalone): cases for a connected `client()`, working in database `db`. */
export function plainDumpCases(client: () => MongoClient, db: string): void {
  it('sizes a collection larger than the buffer, and leaves out inserts past the largest _id', async () => {
    const collection = client().db(db).collection('grow');
    await seed(collection);
    const before = await rawDocs(collection);
    const { entry, result } = await drive(dumpPlainCollection(target(collection), 4096), async () => {
      await collection.insertMany(asDocuments([{ _id: 10_000, late: true }, { _id: 10_001, late: true }]));
    });
    expect(result.docs).toBe(400);
    expect(await entryDocs(entry, `${db}/grow.bson`)).toEqual(before);
  });

  it('holds a collection within the buffer in memory: exact whatever changes after the read', async () => {
    const collection = client().db(db).collection('small');
    await seed(collection);
    const before = await rawDocs(collection);
    const { entry, result } = await drive(dumpPlainCollection(target(collection)), async () => {
      await collection.updateOne(filter({ _id: 399 }), { $set: { payload: 'changed after the read' } });
    });
    expect(result.docs).toBe(400);
    expect(await entryDocs(entry, `${db}/small.bson`)).toEqual(before);
  });

  it('fails loudly when a document still to be read changes size', async () => {
    const collection = client().db(db).collection('drift');
    await seed(collection);
    const dump = drive(dumpPlainCollection(target(collection), 4096), async () => {
      await collection.updateOne(filter({ _id: 399 }), { $set: { payload: 'x'.repeat(500) } });
    });
    await expect(dump).rejects.toThrow(new RegExp(`${db}\\.drift changed while it was being read .* replica set`));
  });
}

/** In a snapshot session (replica set): cases for a connected `client()`, working in database `db`. */
export function snapshotDumpCases(client: () => MongoClient, db: string): void {
  it('is unaffected by inserts, updates and deletes during the read', async () => {
    const collection = client().db(db).collection('busy');
    await seed(collection);
    const before = await rawDocs(collection);
    const session = client().startSession({ snapshot: true });
    try {
      const { entry, result } = await drive(dumpSnapshotCollection(target(collection), session), async () => {
        await collection.insertOne({ _id: -1, early: true } as never);
        await collection.updateOne(filter({ _id: 200 }), { $set: { payload: 'y'.repeat(900) } });
        await collection.deleteMany(filter({ _id: { $lt: 50 } }));
      });
      expect(result.docs).toBe(400);
      expect((await entryDocs(entry, `${db}/busy.bson`)).sort()).toEqual([...before].sort());
    } finally {
      await session.endSession();
    }
  });
}
