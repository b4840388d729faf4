// Restore side of the MongoDB engine: read a `mongodump-tar` archive as it streams and write it through
// the driver into `target` (a mongodb:// URI; its database path renames, see restore-target.ts).
// `only` takes `db` / `db.coll` patterns; `replace` replaces existing target collections (otherwise
// they are an error, found before anything is written). Documents are written into staging collections
// and moved to their names only after the whole archive has been read and verified (restore-staging.ts):
// a backup that fails its checksum, or any failure before the commit, leaves the target as it was. The
// returned stats are measured on the target afterwards (counts, sampled documents, indexes) and keyed by
// the source namespaces, so a restore test compares them with the manifest's.
import type { MongoClient } from 'mongodb';
import type { Readable } from 'node:stream';
import type { SourceStats } from '../../model/manifest.js';
import type { RestoreRequest } from '../engine.js';
import { classifyEntry, unescapeCollectionName } from './dump-layout.js';
import { isImplicitIndex, parseMetadata } from './dump-metadata.js';
import { BACKUP_SELECTION_TIMEOUT_MS, connectMongo, mongoError } from './mongo-connection.js';
import { MongoStatsBuilder } from './mongo-stats.js';
import { planRestore, type ArchivedCollection, type RestoreItem, type RestorePlan } from './restore-plan.js';
import { parseRestoreTarget, type RestoreTarget } from './restore-target.js';
import { RestoreStaging } from './restore-staging.js';
import { checkTargets, insertDocuments, type InsertResult } from './restore-writes.js';
import { SAMPLE_SIZE, SampleDigest } from './sample-digest.js';
import { readTar, type TarEntry } from './tar-read.js';

/** Metadata files are small (options and index specs); anything larger is not one of ours. */
const MAX_METADATA_BYTES = 16 << 20;

async function readText(entry: TarEntry): Promise<string> {
  if (entry.size > MAX_METADATA_BYTES) throw new Error(`${entry.path} is ${entry.size} bytes, too large for a metadata file`);
  const parts: Buffer[] = [];
  for await (const chunk of entry.body()) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}

async function measure(client: MongoClient, plan: RestorePlan, inserted: Map<RestoreItem, InsertResult>): Promise<SourceStats> {
  const stats = new MongoStatsBuilder();
  for (const item of plan.items) {
    if (item.meta.type === 'view') {
      stats.addView(item.sourceDb);
      continue;
    }
    const db = client.db(item.targetDb);
    const data = db.collection(item.dataCollection);
    const docs = await data.countDocuments({});
    const sample = new SampleDigest();
    for await (const doc of data.find({}, { raw: true, sort: { _id: 1 }, limit: SAMPLE_SIZE })) sample.add(doc as unknown as Uint8Array);
    const indexes = (await db.collection(item.name).listIndexes().toArray()).filter((spec) => !isImplicitIndex(spec)).length;
    stats.addCollection(item.sourceDb, item.name, { docs, bytes: inserted.get(item)?.bytes ?? 0, sample: sample.value(), indexes });
  }
  return stats.build();
}

export async function restoreMongodb(request: RestoreRequest, input: Readable): Promise<SourceStats> {
  const label = `mongodb restore of source "${request.name}"`;
  let client: MongoClient;
  let rawTarget: string;
  let target: RestoreTarget;
  try {
    rawTarget = request.target.includes('${') ? request.resolveSecret(request.target) : request.target;
    target = parseRestoreTarget(rawTarget);
    client = await connectMongo(target.connectUri, label, BACKUP_SELECTION_TIMEOUT_MS);
  } catch (error) {
    input.destroy();
    // Messages of these steps never hold the URI (connectMongo redacts its own); the cause is not attached.
    // eslint-disable-next-line preserve-caught-error -- see above
    throw new Error((error as Error).message.startsWith(label) ? (error as Error).message : `${label}: ${(error as Error).message}`);
  }
  const archived: ArchivedCollection[] = [];
  const inserted = new Map<RestoreItem, InsertResult>();
  let plan: RestorePlan | undefined;
  let staging: RestoreStaging | undefined;
  let current = 'reading the archive';
  const preparePlan = async (): Promise<RestorePlan> => {
    current = 'selecting what to restore';
    const made = planRestore(archived, request.only, target.template);
    current = 'preparing the target';
    const existing = await checkTargets(client, made.items, request.replace === true);
    staging = new RestoreStaging(client, made.items, existing);
    await staging.prepare();
    return made;
  };
  try {
    // readTar reads the input to its very end: past that, the input has been verified.
    for await (const entry of readTar(input)) {
      if (request.signal?.aborted) throw new Error('restore aborted');
      const kind = classifyEntry(entry.path, entry.type);
      if (kind.kind === 'metadata') {
        if (plan) throw new Error(`${entry.path} comes after data files; this archive is not in Strata's mongodump-tar order`);
        const stem = kind.file.slice(0, -'.metadata.json'.length);
        archived.push({ db: kind.db, meta: parseMetadata(await readText(entry), unescapeCollectionName(stem)) });
      } else if (kind.kind === 'bson') {
        plan ??= await preparePlan();
        if (!plan.byBsonPath.has(entry.path)) throw new Error(`${entry.path} has no metadata file before it in the archive`);
        const item = plan.byBsonPath.get(entry.path);
        if (!item) continue; // not selected: the reader skips its body
        current = `${item.sourceDb}.${item.name}`;
        const collection = client.db(item.targetDb).collection(staging!.collectionOf(item));
        inserted.set(item, await insertDocuments(collection, item, entry.body(), request.signal));
        current = 'reading the archive';
      }
    }
    plan ??= await preparePlan();
    const staged = staging!;
    await staged.buildIndexes((item) => (current = `the indexes of ${item.sourceDb}.${item.name}`));
    await staged.commit((item) => (current = `moving ${item.sourceDb}.${item.name} into place`), request.signal);
    current = 'measuring the restored data';
    return await measure(client, plan, inserted);
  } catch (error) {
    input.destroy();
    await staging?.discard();
    throw mongoError(`${label}: failed at ${current}`, error, rawTarget);
  } finally {
    await client.close().catch(() => undefined);
  }
}
