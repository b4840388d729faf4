// A collection's documents go downstream in chunks of about 1 MiB whatever the server's batch size:
// a getMore batch can hold 16 MiB, and handing it on as one chunk would copy it whole and leave the
// upload's back-pressure nothing to hold back (the dump would finish reading, and close its
// connections, long before the upload did). The collection here is a stand-in serving one large batch.
import { BSON, type ClientSession, type Collection } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { dumpSnapshotCollection } from '../../../../src/engines/mongodb/collection-dump.js';

function documents(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => BSON.serialize({ _id: i, pad: 'x'.repeat(size) }));
}

/** A collection whose find() serves `docs` as a single server batch, and whose aggregate() sizes them. */
function oneBatchCollection(docs: Uint8Array[]): Collection {
  const bytes = docs.reduce((sum, d) => sum + d.length, 0);
  const cursor = (served: Uint8Array[]) => {
    let buffered = [...served];
    return {
      async *[Symbol.asyncIterator]() {
        while (buffered.length > 0) yield buffered.shift();
      },
      readBufferedDocuments: () => {
        const out = buffered;
        buffered = [];
        return out;
      },
      close: async () => undefined,
    };
  };
  return {
    aggregate: () => ({ toArray: async () => [{ _id: null, docs: docs.length, bytes }] }),
    find: (_filter: unknown, options: { limit?: number }) => cursor(options.limit ? docs.slice(0, options.limit) : docs),
  } as unknown as Collection;
}

describe('collection dump chunking', () => {
  it('hands a 16 MiB batch downstream in chunks of about 1 MiB', async () => {
    const docs = documents(4000, 4000); // ~16 MiB in one batch
    const chunks: number[] = [];
    const dump = dumpSnapshotCollection({ collection: oneBatchCollection(docs), namespace: 'db.c', path: 'db/c.bson', mtime: new Date(0) }, {} as ClientSession);
    let step = await dump.next();
    while (!step.done) {
      chunks.push(step.value.length);
      step = await dump.next();
    }
    expect(step.value.docs).toBe(4000);
    const [header, ...rest] = chunks;
    expect(header).toBe(512);
    const body = rest.slice(0, -1); // the last one is the tar padding
    expect(body.reduce((a, b) => a + b, 0)).toBe(docs.reduce((sum, d) => sum + d.length, 0));
    expect(body.length).toBeGreaterThanOrEqual(15);
    for (const size of body) expect(size).toBeLessThanOrEqual((1 << 20) + 4100);
  });
});
