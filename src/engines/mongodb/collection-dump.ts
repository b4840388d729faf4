// One collection's `.bson` entry, streamed from a cursor of raw BSON documents. A tar header states the
// entry's size before its body, and nothing is staged on disk, so the size is known before reading:
//
// - In a snapshot session every read sees the same point in time: an aggregation sums `$bsonSize` over
//   the collection (server-side, no documents travel), then the documents stream in natural order and
//   must add up to exactly that (SizedBody checks; a mismatch fails the backup, never the archive).
// - Without a snapshot (standalone servers) the collection can change under the reads. The documents
//   are read in `_id` order, up to the `_id` that was largest at the start (inserts after it, the usual
//   append pattern, are left to the next backup). A collection that fits in BUFFER_LIMIT is held in
//   memory and sized by what was read, so it is always exact. A larger one is sized once the buffer is
//   full, for the `_id` range still to read; if updates or deletes in that range change its byte size
//   before it is read, the backup fails with a clear error (run MongoDB as a replica set, even a
//   single-node one, for snapshot reads).
//
// The sample digest takes the first SAMPLE_SIZE documents in `_id` order from the same point in time.
import type { AbstractCursor, ClientSession, Collection, Document } from 'mongodb';
import { BSON } from 'mongodb';
import { EXACT_VALUES } from './list-namespaces.js';
import { SAMPLE_SIZE, SampleDigest } from './sample-digest.js';
import { EntrySizeError, fileHeader, SizedBody } from './tar-frames.js';

/** Collections up to this many BSON bytes are dumped from memory when there is no snapshot. */
export const BUFFER_LIMIT = 8 << 20;
/** Documents are handed downstream in chunks of about this size. */
const CHUNK = 1 << 20;
/**
 * Server batches are asked for by document count (the only limit find and getMore take), aiming at
 * about BATCH_TARGET_BYTES and never more than MAX_BATCH_DOCS documents. Without it mongod fills 16 MiB
 * batches, and the driver keeps a parsed handle (its field offsets, ~100 bytes a top-level field) for
 * every document of a batch until the whole batch is consumed: 16 MiB of small documents held ~50 MB
 * of heap on top of the 16 MiB reply, and the backup's peak RSS grew past 250 MB.
 */
export const BATCH_TARGET_BYTES = 4 << 20;
export const MAX_BATCH_DOCS = 2000;

/** Documents per server batch for documents of `averageBytes` on average (unknown: the cap). */
export function batchSizeFor(averageBytes?: number, targetBytes = BATCH_TARGET_BYTES): number {
  if (averageBytes === undefined || !Number.isFinite(averageBytes) || averageBytes <= 0) return MAX_BATCH_DOCS;
  return Math.max(1, Math.min(MAX_BATCH_DOCS, Math.floor(targetBytes / averageBytes)));
}

export interface CollectionDumpResult {
  docs: number;
  bytes: number;
  sample: number;
}

export interface CollectionDumpTarget {
  /** The collection the documents are read from (a time series' bucket collection). */
  collection: Collection;
  /** `db.coll` for messages. */
  namespace: string;
  path: string;
  mtime: Date;
}

/** Raw documents of a cursor, a server batch at a time. */
async function* rawBatches(cursor: AbstractCursor): AsyncGenerator<Uint8Array[]> {
  try {
    for await (const first of cursor) {
      yield [first as Uint8Array, ...(cursor.readBufferedDocuments() as Uint8Array[])];
    }
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

class Coalescer {
  private parts: Uint8Array[] = [];
  private size = 0;

  add(part: Uint8Array): void {
    this.parts.push(part);
    this.size += part.length;
  }

  get full(): boolean {
    return this.size >= CHUNK;
  }

  take(): Buffer | undefined {
    if (this.size === 0) return undefined;
    const out = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    return out;
  }
}

async function sizeOf(collection: Collection, filter: Document, session?: ClientSession): Promise<{ docs: number; bytes: number }> {
  const [row] = await collection
    .aggregate([{ $match: filter }, { $group: { _id: null, docs: { $sum: 1 }, bytes: { $sum: { $bsonSize: '$$ROOT' } } } }], session ? { session } : {})
    .toArray();
  return { docs: Number(row?.docs ?? 0), bytes: Number(row?.bytes ?? 0) };
}

/** Stream the cursor's documents into the entry body, counting them. */
async function* streamInto(batches: AsyncGenerator<Uint8Array[]>, body: SizedBody, counts: CollectionDumpResult, sample?: SampleDigest): AsyncGenerator<Buffer> {
  const out = new Coalescer();
  for await (const batch of batches) {
    for (const doc of batch) {
      body.take(doc.length);
      sample?.add(doc);
      counts.docs += 1;
      counts.bytes += doc.length;
      out.add(doc);
      // Per document, not per batch: a getMore batch can hold 16 MiB, which as one chunk would be
      // copied whole and would leave the upload's back-pressure nothing to hold back.
      if (out.full) yield out.take()!;
    }
  }
  const rest = out.take();
  if (rest) yield rest;
}

export async function* dumpSnapshotCollection(target: CollectionDumpTarget, session: ClientSession): AsyncGenerator<Buffer, CollectionDumpResult> {
  const { collection, path } = target;
  const size = await sizeOf(collection, {}, session);
  yield fileHeader(path, size.bytes, target.mtime);
  const counts: CollectionDumpResult = { docs: 0, bytes: 0, sample: 0 };
  const body = new SizedBody(path, size.bytes);
  try {
    const batchSize = batchSizeFor(size.docs > 0 ? size.bytes / size.docs : undefined);
    yield* streamInto(rawBatches(collection.find({}, { session, raw: true, batchSize })), body, counts);
    yield body.finish();
  } catch (error) {
    if (error instanceof EntrySizeError) {
      throw new Error(`${target.namespace}: the snapshot read returned ${counts.bytes} bytes where the same snapshot measured ${size.bytes}; the archive would be corrupt`, { cause: error });
    }
    throw error;
  }
  const sample = new SampleDigest();
  for await (const batch of rawBatches(collection.find({}, { session, raw: true, sort: { _id: 1 }, limit: SAMPLE_SIZE }))) {
    for (const doc of batch) sample.add(doc);
  }
  counts.sample = sample.value();
  return counts;
}

function idOf(raw: Uint8Array): unknown {
  return (BSON.deserialize(raw, EXACT_VALUES) as Document)._id;
}

function driftError(target: CollectionDumpTarget, error: EntrySizeError): Error {
  return new Error(
    `${target.namespace} changed while it was being read (its entry was sized at ${error.announced} bytes before the documents were read): ` +
      'this server offers no snapshot reads, so writes during the backup can make a large collection inconsistent. ' +
      'Run MongoDB as a replica set (a single-node one is enough) for point-in-time backups, or retry when writes are quiet',
  );
}

export async function* dumpPlainCollection(target: CollectionDumpTarget, bufferLimit = BUFFER_LIMIT): AsyncGenerator<Buffer, CollectionDumpResult> {
  const { collection, path } = target;
  const counts: CollectionDumpResult = { docs: 0, bytes: 0, sample: 0 };
  const sample = new SampleDigest();
  const last = (await collection.find({}, { raw: true, sort: { _id: -1 }, limit: 1 }).next()) as Uint8Array | null;
  if (!last) {
    yield fileHeader(path, 0, target.mtime);
    counts.sample = sample.value();
    return counts;
  }
  // $expr compares across BSON types in sort order (a plain {$lte} would only match _ids of one type);
  // $literal keeps an _id such as "$x" from being read as a field path.
  const maxId = { $literal: idOf(last) };
  // The average size is not known before reading here: the last document's size stands in for it (a
  // wrong guess costs round trips or, at worst, mongod's own 16 MiB batches). Batches no larger than the
  // buffer keep what is held in memory near the buffer's size.
  const batchSize = batchSizeFor(last.length, Math.min(BATCH_TARGET_BYTES, bufferLimit));
  const batches = rawBatches(collection.find({ $expr: { $lte: ['$_id', maxId] } }, { raw: true, sort: { _id: 1 }, batchSize }));
  try {
    const held: Uint8Array[] = [];
    let heldBytes = 0;
    let exhausted = false;
    while (heldBytes < bufferLimit) {
      const step = await batches.next();
      if (step.done) {
        exhausted = true;
        break;
      }
      for (const doc of step.value) {
        held.push(doc);
        heldBytes += doc.length;
      }
    }
    let announced = heldBytes;
    if (!exhausted) {
      const lastHeld = { $literal: idOf(held[held.length - 1]!) };
      const rest = await sizeOf(collection, { $expr: { $and: [{ $gt: ['$_id', lastHeld] }, { $lte: ['$_id', maxId] }] } });
      announced += rest.bytes;
    }
    yield fileHeader(path, announced, target.mtime);
    const body = new SizedBody(path, announced);
    async function* heldThenRest(): AsyncGenerator<Uint8Array[]> {
      yield held.splice(0);
      if (!exhausted) yield* batches;
    }
    yield* streamInto(heldThenRest(), body, counts, sample);
    yield body.finish();
  } catch (error) {
    if (error instanceof EntrySizeError) throw driftError(target, error);
    throw error;
  } finally {
    await batches.return(undefined).catch(() => undefined);
  }
  counts.sample = sample.value();
  return counts;
}
