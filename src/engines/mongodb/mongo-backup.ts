// Backup side of the MongoDB engine: a logical dump through the driver, written as a tar in mongodump's
// directory layout (`mongodump-tar`), in one streaming pass with bounded memory.
//
// Archive order: for each database (sorted) its directory and the `.metadata.json` of each selected
// collection (sorted), then every `.bson` data file, then the end marker. Metadata first lets a restore
// know every namespace before it writes anything; mongorestore --dir does not care about the order.
//
// Consistency: on replica sets and sharded clusters (5.0+) all documents are read in one snapshot
// session (readConcern "snapshot"), so the dump is one point in time across collections. The server
// keeps snapshot history for minSnapshotHistoryWindowInSeconds (300 s by default); when a dump outlives
// it, the next collection starts a fresh snapshot session (each collection stays consistent; the stats
// show snapshot_sessions > 1 and snapshot 0) and a collection whose own read outlives it fails the
// backup with advice. Standalone servers are read without a snapshot (snapshot 0): see collection-dump.ts.
import type { ClientSession, MongoClient } from 'mongodb';
import { MongoServerError } from 'mongodb';
import type { MongodbSource } from '../../generated/policy.js';
import type { SourceStats } from '../../model/manifest.js';
import type { BackupRequest, EngineBackup } from '../engine.js';
import { dumpPlainCollection, dumpSnapshotCollection, type CollectionDumpResult, type CollectionDumpTarget } from './collection-dump.js';
import { bsonEntryPath, dataCollectionName, metadataEntryPath } from './dump-layout.js';
import { formatMetadata, indexesToCreate } from './dump-metadata.js';
import { GeneratorReadable } from '../../pipeline/generator-readable.js';
import { listSelectedCollections, type PlannedCollection } from './list-namespaces.js';
import { BACKUP_SELECTION_TIMEOUT_MS, connectMongo, mongoError, supportsSnapshotReads } from './mongo-connection.js';
import { MongoStatsBuilder, SNAPSHOT_KEY, SNAPSHOTS_KEY } from './mongo-stats.js';
import { parseMongoUri, selectedDatabase } from './mongo-uri.js';
import { createNamespaceSelector } from './namespace-filter.js';
import { directoryHeader, endOfArchive, fileEntry } from './tar-frames.js';

export const MONGODUMP_TAR_FORMAT = 'mongodump-tar';

const SNAPSHOT_TOO_OLD = 239;
const SNAPSHOT_UNAVAILABLE = 246;

export function mongodbSourceOf(request: Pick<BackupRequest, 'name' | 'source'>): MongodbSource {
  if (request.source.type !== 'mongodb') {
    throw new Error(`source "${request.name}" is of type ${request.source.type}, not mongodb`);
  }
  return request.source;
}

/** The source URI with `${env:…}` / `${file:…}` references resolved. */
export function resolveSourceUri(request: Pick<BackupRequest, 'name' | 'source' | 'resolveSecret'>): string {
  const source = mongodbSourceOf(request);
  // A policy that no longer declares the source (a fresh host restoring from the catalogue) has no URI.
  if (typeof source.uri !== 'string' || source.uri === '') throw new Error(`mongodb source "${request.name}" has no uri in the policy`);
  return source.uri.includes('${') ? request.resolveSecret(source.uri) : source.uri;
}

function errorCode(error: unknown): number | undefined {
  return error instanceof MongoServerError && typeof error.code === 'number' ? error.code : undefined;
}

/** The server refused snapshot reads although hello suggested them (an unusual topology or version). */
function isSnapshotRefused(error: unknown): boolean {
  const code = errorCode(error);
  if (code === undefined || code === SNAPSHOT_TOO_OLD || code === SNAPSHOT_UNAVAILABLE) return false;
  return /snapshot/i.test((error as Error).message);
}

class SnapshotReads {
  session?: ClientSession;
  sessions = 0;
  /** No snapshot was ever refused or renewed: the whole dump is one point in time. */
  consistent = true;

  constructor(private readonly client: MongoClient) {}

  open(): ClientSession {
    this.session = this.client.startSession({ snapshot: true });
    this.sessions += 1;
    return this.session;
  }

  /** A fresh snapshot; once data was read from the previous one, the dump spans two points in time. */
  async renew(afterData: boolean): Promise<ClientSession> {
    await this.close();
    if (afterData) this.consistent = false;
    return this.open();
  }

  async close(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.endSession().catch(() => undefined);
  }
}

interface DumpContext {
  label: string;
  uri: string;
  source: MongodbSource;
  request: BackupRequest;
  stats: MongoStatsBuilder;
  extra: SourceStats;
}

function dumpTarget(client: MongoClient, planned: PlannedCollection, mtime: Date): CollectionDumpTarget {
  return {
    collection: client.db(planned.db).collection(dataCollectionName(planned.collectionName, planned.type)),
    namespace: `${planned.db}.${planned.collectionName}`,
    path: bsonEntryPath(planned.db, planned.collectionName, planned.type)!,
    mtime,
  };
}

interface DumpState {
  snapshot?: SnapshotReads;
  /** Some collection's data is already in the archive (a refused snapshot can no longer be dropped silently). */
  dumpedData: boolean;
}

async function* dumpCollection(target: CollectionDumpTarget, state: DumpState): AsyncGenerator<Buffer, CollectionDumpResult> {
  const snapshot = state.snapshot;
  if (!snapshot) return yield* dumpPlainCollection(target);
  const dump = dumpSnapshotCollection(target, snapshot.session ?? snapshot.open());
  // The first step only sizes the collection, before any byte of its entry: an expired or refused
  // snapshot can still be handled there.
  let first: IteratorResult<Buffer, CollectionDumpResult>;
  try {
    first = await dump.next();
  } catch (error) {
    const code = errorCode(error);
    if (code === SNAPSHOT_TOO_OLD || code === SNAPSHOT_UNAVAILABLE) return yield* dumpSnapshotCollection(target, await snapshot.renew(state.dumpedData));
    if (!state.dumpedData && isSnapshotRefused(error)) {
      await snapshot.close();
      state.snapshot = undefined;
      return yield* dumpPlainCollection(target);
    }
    throw error;
  }
  if (first.done) return first.value;
  yield first.value;
  return yield* dump;
}

async function* generateDump(context: DumpContext): AsyncGenerator<Buffer> {
  const { label, uri, source, request } = context;
  const client = await connectMongo(uri, label, BACKUP_SELECTION_TIMEOUT_MS);
  const state: DumpState = { dumpedData: false };
  let current = 'listing collections';
  try {
    const uriDatabase = selectedDatabase(parseMongoUri(uri));
    const selector = createNamespaceSelector({
      includes: [source.include, request.data.include, uriDatabase === undefined ? undefined : [uriDatabase]],
      excludes: [source.exclude, request.data.exclude],
    });
    const planned = await listSelectedCollections(client, selector);
    const mtime = new Date();

    let lastDb: string | undefined;
    for (const collection of planned) {
      if (collection.db !== lastDb) {
        yield directoryHeader(collection.db, mtime);
        lastDb = collection.db;
      }
      yield fileEntry(metadataEntryPath(collection.db, collection.collectionName), Buffer.from(formatMetadata(collection)), mtime);
    }

    if (await supportsSnapshotReads(client)) state.snapshot = new SnapshotReads(client);
    for (const collection of planned) {
      if (request.signal?.aborted) throw new Error('backup aborted');
      current = `${collection.db}.${collection.collectionName}`;
      if (collection.type === 'view') {
        context.stats.addView(collection.db);
        continue;
      }
      const result = yield* dumpCollection(dumpTarget(client, collection, mtime), state);
      state.dumpedData = true;
      context.stats.addCollection(collection.db, collection.collectionName, { ...result, indexes: indexesToCreate(collection).length });
    }
    yield endOfArchive();
    context.extra[SNAPSHOT_KEY] = state.snapshot?.consistent ? 1 : 0;
    if (state.snapshot) context.extra[SNAPSHOTS_KEY] = state.snapshot.sessions;
  } catch (error) {
    if (errorCode(error) === SNAPSHOT_TOO_OLD) {
      // eslint-disable-next-line preserve-caught-error -- driver errors are never attached: they may carry the connection string
      throw new Error(
        `${label}: reading ${current} took longer than the server keeps snapshot history (minSnapshotHistoryWindowInSeconds, 300 s by default); ` +
          'raise it on the server or split the source into smaller categories',
      );
    }
    if (error instanceof Error && error.message.startsWith(label)) throw error;
    throw mongoError(`${label}: dump failed at ${current}`, error, uri);
  } finally {
    await state.snapshot?.close();
    await client.close().catch(() => undefined);
  }
}

export async function backupMongodb(request: BackupRequest): Promise<EngineBackup> {
  const source = mongodbSourceOf(request);
  const label = `mongodb source "${request.name}"`;
  const uri = resolveSourceUri(request);
  parseMongoUri(uri); // fail early, before any stream exists, on a malformed URI
  const context: DumpContext = { label, uri, source, request, stats: new MongoStatsBuilder(), extra: {} };
  const stream = new GeneratorReadable(generateDump(context));
  const done = new Promise<SourceStats>((resolveDone, rejectDone) => {
    stream.once('end', () => resolveDone(context.stats.build(context.extra)));
    stream.once('error', rejectDone);
    stream.once('close', () => {
      if (!stream.readableEnded) rejectDone(new Error(`${label}: the dump stream was closed before it ended`));
    });
  });
  // Consumers await `done`; this guard keeps an unobserved rejection from crashing the process.
  done.catch(() => undefined);
  request.signal?.addEventListener('abort', () => stream.destroy(new Error('backup aborted')), { once: true });
  return { stream, done };
}
