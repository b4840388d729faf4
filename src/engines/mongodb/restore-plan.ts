// What a restore will write, decided from the archive's metadata files (which precede all data) before
// anything touches the target: the selected namespaces (--only), their target databases (see
// restore-target.ts) and the archive file each one's documents come from.
import { bsonEntryPath, dataCollectionName } from './dump-layout.js';
import type { CollectionMetadata } from './dump-metadata.js';
import { createOnlyMatcher } from './namespace-filter.js';
import { mapDatabases } from './restore-target.js';

export interface ArchivedCollection {
  /** Source database (the archive directory). */
  db: string;
  meta: CollectionMetadata;
}

export interface RestoreItem {
  sourceDb: string;
  targetDb: string;
  /** Collection name (kept; only databases are renamed). */
  name: string;
  /** Where its documents go: the collection itself, or a time series' bucket collection. */
  dataCollection: string;
  meta: CollectionMetadata;
  /** Archive path of its `.bson` file; undefined for views. */
  bsonPath?: string;
}

export interface RestorePlan {
  items: RestoreItem[];
  /** Data files of the archive by path, selected or not (unselected ones are skipped, not errors). */
  byBsonPath: Map<string, RestoreItem | undefined>;
}

export function planRestore(archived: readonly ArchivedCollection[], only: readonly string[] | undefined, template: string | undefined): RestorePlan {
  const matches = createOnlyMatcher(only);
  const selected = archived.filter((a) => matches(a.db, a.meta.collectionName));
  if (only && only.length > 0 && selected.length === 0) {
    const held = archived.map((a) => `${a.db}.${a.meta.collectionName}`);
    throw new Error(
      `--only ${only.join(' ')} matches nothing in this backup` + (held.length > 0 ? ` (it holds ${held.slice(0, 10).join(', ')}${held.length > 10 ? ', …' : ''})` : ' (it holds no collections)'),
    );
  }
  const databases = mapDatabases(template, selected.map((a) => a.db));
  const byBsonPath = new Map<string, RestoreItem | undefined>();
  for (const a of archived) {
    const path = bsonEntryPath(a.db, a.meta.collectionName, a.meta.type);
    if (path) byBsonPath.set(path, undefined);
  }
  const items = selected.map((a): RestoreItem => {
    const item: RestoreItem = {
      sourceDb: a.db,
      targetDb: databases.get(a.db)!,
      name: a.meta.collectionName,
      dataCollection: dataCollectionName(a.meta.collectionName, a.meta.type),
      meta: a.meta,
      bsonPath: bsonEntryPath(a.db, a.meta.collectionName, a.meta.type),
    };
    if (item.bsonPath) byBsonPath.set(item.bsonPath, item);
    return item;
  });
  return { items, byBsonPath };
}
