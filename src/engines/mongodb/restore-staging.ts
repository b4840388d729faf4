// Where a MongoDB restore writes before its input is verified. Documents go into staging collections in
// the target database, `strata_restore.<token>.<n>`; only once the whole archive has been read and has
// ended cleanly (the input errors instead when it does not match the manifest) are they moved to their
// names. A restore that fails before that drops its staging collections: the target keeps exactly what it
// had (a target database that existed only through them disappears with them, as MongoDB does with empty
// databases).
//
// - A plain collection is created under its staging name with its own options, loaded, indexed, then
//   renamed into place (`renameCollection`, same database: a catalog change, no copy). With replace, the
//   existing collection is swapped out by the rename itself (`dropTarget`), so readers never see it missing.
// - A time series (renameCollection refuses them) and a `system.*` collection (which cannot be created by
//   name) are staged as plain collections of their raw documents (the buckets, for a time series) and
//   copied into their real collection at commit, after the verification, in bounded batches.
// - A view holds no data: it is created at commit, after the collections it may be defined on.
// Commit applies the items one after another: only a failure there (after the verification: the server
// refusing a rename or an insert) can leave some items replaced and not others; it says which.
import { randomBytes } from 'node:crypto';
import type { Document, MongoClient } from 'mongodb';
import { createOptions } from './dump-metadata.js';
import type { RestoreItem } from './restore-plan.js';
import { createIndexes, insertDocuments, targetName, type ExistingTargets, type InsertResult } from './restore-writes.js';

const NAMESPACE_NOT_FOUND = 26;
const STAGING_PREFIX = 'strata_restore';

type Route = 'rename' | 'copy' | 'view';

function routeOf(item: RestoreItem): Route {
  if (item.meta.type === 'view') return 'view';
  if (item.meta.type === 'timeseries' || item.name.startsWith('system.')) return 'copy';
  return 'rename';
}

async function dropIfExists(client: MongoClient, db: string, name: string): Promise<void> {
  try {
    await client.db(db).collection(name).drop();
  } catch (error) {
    if ((error as { code?: unknown }).code !== NAMESPACE_NOT_FOUND) throw error;
  }
}

/** The raw documents of a collection as one stream of BSON bytes (what insertDocuments reads). */
async function* rawDocuments(client: MongoClient, db: string, name: string): AsyncGenerator<Buffer> {
  for await (const doc of client.db(db).collection(name).find({}, { raw: true })) yield Buffer.from(doc as unknown as Uint8Array);
}

export class RestoreStaging {
  private readonly token = randomBytes(4).toString('hex');
  private readonly staged = new Map<RestoreItem, string>();
  /** Staging collections not yet moved into place (or dropped). */
  private readonly pending = new Set<RestoreItem>();

  constructor(
    private readonly client: MongoClient,
    private readonly items: readonly RestoreItem[],
    private readonly existing: ExistingTargets,
  ) {}

  /** Create a staging collection for every item with data. */
  async prepare(): Promise<void> {
    for (const [index, item] of this.items.entries()) {
      const route = routeOf(item);
      if (route === 'view') continue;
      const name = `${STAGING_PREFIX}.${this.token}.${index}`;
      const options: Document = route === 'rename' ? createOptions(item.meta) : {};
      this.staged.set(item, name);
      this.pending.add(item);
      try {
        await this.client.db(item.targetDb).command({ create: name, ...options });
      } catch (error) {
        throw new Error(`cannot create ${item.meta.type} ${targetName(item)} (staged as ${name}): ${(error as Error).message}`, { cause: error });
      }
    }
  }

  /** The collection an item's documents are inserted into until the commit. */
  collectionOf(item: RestoreItem): string {
    const name = this.staged.get(item);
    if (name === undefined) throw new Error(`${targetName(item)} has no staging collection`);
    return name;
  }

  /** Build the indexes of the renamed items on their staging collections (copied items get theirs at commit). */
  async buildIndexes(onItem: (item: RestoreItem) => void): Promise<void> {
    for (const item of this.items) {
      if (routeOf(item) !== 'rename') continue;
      onItem(item);
      await createIndexes(this.client, item, this.collectionOf(item));
    }
  }

  /** Move every item into place: collections first, then views (which may be defined on them). */
  async commit(onItem: (item: RestoreItem) => void, signal?: AbortSignal): Promise<void> {
    const ordered = [...this.items.filter((i) => routeOf(i) !== 'view'), ...this.items.filter((i) => routeOf(i) === 'view')];
    for (const item of ordered) {
      onItem(item);
      const route = routeOf(item);
      if (route === 'rename') await this.rename(item);
      else if (route === 'copy') await this.copy(item, signal);
      else await this.createView(item);
    }
  }

  /** Drop the staging collections that were not moved into place. */
  async discard(): Promise<void> {
    for (const item of [...this.pending]) {
      await dropIfExists(this.client, item.targetDb, this.collectionOf(item)).catch(() => undefined);
      this.pending.delete(item);
    }
  }

  private async rename(item: RestoreItem): Promise<void> {
    const existing = this.existing.get(item);
    // dropTarget swaps a plain collection out atomically; anything else (a view, a time series) is dropped first.
    if (existing !== undefined && existing !== 'collection') await dropIfExists(this.client, item.targetDb, item.name);
    await this.client.db('admin').command({
      renameCollection: `${item.targetDb}.${this.collectionOf(item)}`,
      to: targetName(item),
      dropTarget: existing === 'collection',
    });
    this.pending.delete(item);
  }

  private async copy(item: RestoreItem, signal?: AbortSignal): Promise<InsertResult> {
    const db = this.client.db(item.targetDb);
    if (this.existing.has(item)) await dropIfExists(this.client, item.targetDb, item.name);
    if (item.meta.type === 'timeseries') await db.command({ create: item.name, ...createOptions(item.meta) });
    const staging = this.collectionOf(item);
    const result = await insertDocuments(db.collection(item.dataCollection), item, rawDocuments(this.client, item.targetDb, staging), signal);
    await createIndexes(this.client, item);
    await dropIfExists(this.client, item.targetDb, staging);
    this.pending.delete(item);
    return result;
  }

  private async createView(item: RestoreItem): Promise<void> {
    if (this.existing.has(item)) await dropIfExists(this.client, item.targetDb, item.name);
    await this.client.db(item.targetDb).command({ create: item.name, ...createOptions(item.meta) });
  }
}
