// Server-side cursors with mongod's batching: a first batch of `batchSize` documents (101 by default),
// getMore batches of `batchSize` or as many as fit, and every batch capped at 16 MiB of documents (the
// first document always goes). A cursor whose documents (or `limit`) are used up is closed and reported
// with id 0, as mongod does.
import { Long, Timestamp } from 'mongodb';
import { CommandError } from './command-error.js';
import type { DocSource } from './find-scan.js';
import { buildArray, encodeReply, T, type RawValue } from './raw-bson.js';
import { toTimestamp } from './cluster-clock.js';

export const DEFAULT_FIRST_BATCH = 101;
/** BSONObjMaxUserSize: a reply's documents stop at this many bytes. */
export const MAX_BATCH_BYTES = 16 * 1024 * 1024;

interface OpenCursor {
  id: bigint;
  ns: string;
  source: DocSource;
  peeked?: Buffer;
  /** Documents still allowed by `limit` (Infinity without one). */
  remaining: number;
  /** The snapshot a snapshot cursor reads; getMore keeps reading it. */
  atClusterTime?: bigint;
}

export interface CursorReply {
  batch: Buffer[];
  id: bigint;
  ns: string;
}

export class CursorRegistry {
  private readonly open = new Map<bigint, OpenCursor>();
  private nextId = BigInt(Date.now()) * 1000n;

  private take(cursor: OpenCursor, maxDocs: number): Buffer[] {
    const batch: Buffer[] = [];
    let bytes = 0;
    while (batch.length < maxDocs && cursor.remaining > 0) {
      const doc = cursor.peeked ?? cursor.source.next();
      cursor.peeked = undefined;
      if (doc === undefined) break;
      if (batch.length > 0 && bytes + doc.length > MAX_BATCH_BYTES) {
        cursor.peeked = doc;
        break;
      }
      batch.push(doc);
      bytes += doc.length;
      cursor.remaining -= 1;
    }
    return batch;
  }

  private exhausted(cursor: OpenCursor): boolean {
    if (cursor.remaining <= 0) return true;
    cursor.peeked ??= cursor.source.next();
    return cursor.peeked === undefined;
  }

  /** Run the first batch; the cursor stays open only if documents remain. */
  start(ns: string, source: DocSource, options: { batchSize?: number; limit?: number; singleBatch?: boolean; atClusterTime?: bigint }): CursorReply {
    const cursor: OpenCursor = { id: 0n, ns, source, remaining: options.limit && options.limit > 0 ? options.limit : Number.POSITIVE_INFINITY, atClusterTime: options.atClusterTime };
    const batch = this.take(cursor, options.batchSize ?? DEFAULT_FIRST_BATCH);
    if (options.singleBatch || this.exhausted(cursor)) return { batch, id: 0n, ns };
    this.nextId += 1n;
    cursor.id = this.nextId;
    this.open.set(cursor.id, cursor);
    return { batch, id: cursor.id, ns };
  }

  more(id: bigint, batchSize: number | undefined): CursorReply & { atClusterTime?: bigint } {
    const cursor = this.open.get(id);
    if (!cursor) throw new CommandError('CursorNotFound', `cursor id ${id} not found`);
    const batch = this.take(cursor, batchSize && batchSize > 0 ? batchSize : Number.POSITIVE_INFINITY);
    if (this.exhausted(cursor)) {
      this.open.delete(id);
      return { batch, id: 0n, ns: cursor.ns };
    }
    return { batch, id, ns: cursor.ns, atClusterTime: cursor.atClusterTime };
  }

  kill(ids: bigint[]): { killed: bigint[]; notFound: bigint[] } {
    const killed: bigint[] = [];
    const notFound: bigint[] = [];
    for (const id of ids) (this.open.delete(id) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  get size(): number {
    return this.open.size;
  }
}

/** `{cursor: {firstBatch|nextBatch, id, ns, atClusterTime?}, ok: 1}` with the documents inlined raw. */
export function cursorReply(reply: CursorReply, which: 'firstBatch' | 'nextBatch', atClusterTime?: bigint): Buffer {
  const batch: RawValue = buildArray(reply.batch.map((bytes) => ({ type: T.object, bytes })));
  const cursor: Record<string, unknown> = { [which]: batch, id: Long.fromBigInt(reply.id), ns: reply.ns };
  if (atClusterTime !== undefined) cursor.atClusterTime = toTimestamp(atClusterTime) satisfies Timestamp;
  return encodeReply({ cursor: { type: T.object, bytes: encodeReply(cursor) } satisfies RawValue, ok: 1 });
}
