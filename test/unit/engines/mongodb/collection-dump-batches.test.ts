// The dump asks mongod for batches of about BATCH_TARGET_BYTES (by document count, the only limit find
// takes): mongod's default 16 MiB batches made the driver hold a parsed handle for every document of a
// batch, and a backup's peak RSS passed 250 MB (bench/mongodb). The collection here is a stand-in that
// records the options of each find.
import { BSON, type ClientSession, type Collection } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { BATCH_TARGET_BYTES, batchSizeFor, dumpPlainCollection, dumpSnapshotCollection, MAX_BATCH_DOCS } from '../../../../src/engines/mongodb/collection-dump.js';

describe('batchSizeFor', () => {
  it('aims at the target bytes, within 1 and MAX_BATCH_DOCS documents', () => {
    expect(batchSizeFor(BATCH_TARGET_BYTES / 100)).toBe(100);
    expect(batchSizeFor(20_000)).toBe(Math.floor(BATCH_TARGET_BYTES / 20_000));
    expect(batchSizeFor(16 << 20)).toBe(1);
    expect(batchSizeFor(10)).toBe(MAX_BATCH_DOCS);
    expect(batchSizeFor(1000, 4096)).toBe(4);
  });

  it('falls back to the cap when the average is unknown', () => {
    for (const unknown of [undefined, 0, Number.NaN, Number.POSITIVE_INFINITY]) expect(batchSizeFor(unknown)).toBe(MAX_BATCH_DOCS);
  });
});

function recordingCollection(docs: Uint8Array[], finds: Record<string, unknown>[]): Collection {
  const bytes = docs.reduce((sum, d) => sum + d.length, 0);
  const cursor = (served: Uint8Array[]) => {
    const buffered = [...served];
    return {
      async *[Symbol.asyncIterator]() {
        while (buffered.length > 0) yield buffered.shift();
      },
      readBufferedDocuments: () => buffered.splice(0),
      next: async () => buffered.shift() ?? null,
      close: async () => undefined,
    };
  };
  return {
    aggregate: () => ({ toArray: async () => [{ _id: null, docs: docs.length, bytes }] }),
    find: (_filter: unknown, options: Record<string, unknown>) => {
      finds.push(options);
      const sorted = options.sort && (options.sort as { _id: number })._id === -1 ? [...docs].reverse() : docs;
      return cursor(typeof options.limit === 'number' ? sorted.slice(0, options.limit) : sorted);
    },
  } as unknown as Collection;
}

async function drain(dump: AsyncGenerator<Buffer, unknown>): Promise<void> {
  for (let step = await dump.next(); !step.done; step = await dump.next());
}

describe('collection dump batch sizes', () => {
  const docs = Array.from({ length: 50 }, (_, i) => BSON.serialize({ _id: i, pad: 'x'.repeat(1000) }));
  const average = docs.reduce((sum, d) => sum + d.length, 0) / docs.length;

  it('sizes snapshot batches from the measured average document size', async () => {
    const finds: Record<string, unknown>[] = [];
    await drain(dumpSnapshotCollection({ collection: recordingCollection(docs, finds), namespace: 'db.c', path: 'db/c.bson', mtime: new Date(0) }, {} as ClientSession));
    expect(finds[0]!.batchSize).toBe(batchSizeFor(average));
  });

  it('sizes plain batches from the last document, and never larger than the buffer', async () => {
    const finds: Record<string, unknown>[] = [];
    await drain(dumpPlainCollection({ collection: recordingCollection(docs, finds), namespace: 'db.c', path: 'db/c.bson', mtime: new Date(0) }));
    expect(finds[1]!.batchSize).toBe(batchSizeFor(docs.at(-1)!.length));
    // With an 8 KiB buffer: only the read's options matter here (the stand-in cannot size a range).
    const small: Record<string, unknown>[] = [];
    const dump = dumpPlainCollection({ collection: recordingCollection(docs, small), namespace: 'db.c', path: 'db/c.bson', mtime: new Date(0) }, 8192);
    await dump.next();
    await dump.return({ docs: 0, bytes: 0, sample: 0 });
    expect(small[1]!.batchSize).toBe(Math.floor(8192 / docs.at(-1)!.length));
  });
});
