// What a backup will dump: the selected collections with their options, UUIDs and index specs, read
// before any data so the archive can open with every metadata file (see mongo-backup.ts).
import type { Document, MongoClient } from 'mongodb';
import type { CollectionType } from './dump-layout.js';
import { uuidHex, type CollectionMetadata } from './dump-metadata.js';
import type { NamespaceSelector } from './namespace-filter.js';

/** Read metadata values with their exact BSON types, for canonical Extended JSON. */
export const EXACT_VALUES = { promoteValues: false, promoteLongs: false, promoteBuffers: false, bsonRegExp: true } as const;

const NAMESPACE_NOT_FOUND = 26;

export interface PlannedCollection extends CollectionMetadata {
  db: string;
}

function typeOf(info: Document): CollectionType | undefined {
  const type = info.type ?? 'collection';
  return type === 'collection' || type === 'view' || type === 'timeseries' ? type : undefined;
}

async function listIndexes(client: MongoClient, db: string, name: string): Promise<Document[] | undefined> {
  try {
    return (await client.db(db).collection(name).listIndexes(EXACT_VALUES).toArray()) as Document[];
  } catch (error) {
    if ((error as { code?: unknown }).code === NAMESPACE_NOT_FOUND) return undefined;
    throw error;
  }
}

export async function listSelectedCollections(client: MongoClient, selector: NamespaceSelector): Promise<PlannedCollection[]> {
  const listed = await client.db('admin').command({ listDatabases: 1, nameOnly: true, authorizedDatabases: true });
  const databases = ((listed.databases ?? []) as { name: string }[]).map((d) => d.name).filter((db) => selector.database(db)).sort();
  const planned: PlannedCollection[] = [];
  for (const db of databases) {
    const infos = await client.db(db).listCollections({}, EXACT_VALUES).toArray();
    const selected = (infos as Document[])
      .filter((info) => typeof info.name === 'string' && selector.collection(db, info.name as string))
      .sort((a, b) => ((a.name as string) < (b.name as string) ? -1 : 1));
    for (const info of selected) {
      const type = typeOf(info);
      if (type === undefined) continue; // unknown future collection kinds are not dumped
      const name = info.name as string;
      const indexes = type === 'view' ? [] : await listIndexes(client, db, name);
      if (indexes === undefined) continue; // dropped since it was listed
      const uuid = uuidHex((info.info as Document | undefined)?.uuid);
      planned.push({
        db,
        collectionName: name,
        type,
        options: (info.options as Document | undefined) ?? {},
        indexes,
        ...(uuid ? { uuid } : {}),
      });
    }
  }
  return planned;
}
