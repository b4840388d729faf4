// The fake's data: databases of collections of records, each record a history of versions (raw BSON
// bytes plus the cluster times between which the version was current). Reads at a cluster time see the
// versions current then (snapshot reads); plain reads see the latest. Records keep their insertion
// order (mongod's natural order, by RecordId) and an update keeps the record's place, as in WiredTiger.
// Nothing is ever compacted: a test server lives for seconds.
import { randomBytes } from 'node:crypto';
import { equalityKey } from './bson-order.js';
import type { ClusterClock } from './cluster-clock.js';
import { CommandError } from './command-error.js';
import { Int32 } from 'mongodb';
import { buildDocument, decodePlain, encodeReply, getField, type RawValue } from './raw-bson.js';

export interface Version {
  raw: Buffer;
  id: RawValue;
  from: bigint;
  /** When a later version or a delete replaced it; undefined while current. */
  to?: bigint;
}

export class StoredRecord {
  readonly versions: Version[] = [];

  constructor(readonly recordId: number) {}

  /** The version visible at `at` (a snapshot), or the current one. */
  visible(at?: bigint): Version | undefined {
    if (at === undefined) {
      const last = this.versions[this.versions.length - 1];
      return last && last.to === undefined ? last : undefined;
    }
    for (let i = this.versions.length - 1; i >= 0; i -= 1) {
      const v = this.versions[i]!;
      if (v.from <= at) return v.to === undefined || v.to > at ? v : undefined;
    }
    return undefined;
  }
}

export type CollectionKind = 'collection' | 'view';

export class StoredCollection {
  readonly uuid = randomBytes(16);
  readonly records: StoredRecord[] = [];
  /** Live records by the equality key of their _id (the unique _id index). */
  readonly byId = new Map<string, StoredRecord>();
  /** Index specs as listIndexes returns them (raw), the implicit _id_ first. */
  readonly indexes: Buffer[];
  private nextRecordId = 1;

  constructor(
    /** Changed only by MemoryStore.rename (renameCollection keeps the collection, its uuid and its records). */
    public db: string,
    public name: string,
    readonly kind: CollectionKind,
    /** Creation options, raw, as listCollections reports them. */
    readonly options: Buffer,
    readonly createdAt: bigint,
  ) {
    this.indexes = kind === 'view' ? [] : [defaultIdIndex()];
  }

  get namespace(): string {
    return `${this.db}.${this.name}`;
  }

  /** Versions visible at `at` (or current), in natural order. */
  *scan(at?: bigint): Generator<Version> {
    for (const record of this.records) {
      const v = record.visible(at);
      if (v) yield v;
    }
  }

  liveCount(): number {
    return this.byId.size;
  }

  append(raw: Buffer, id: RawValue, time: bigint): void {
    const record = new StoredRecord(this.nextRecordId++);
    record.versions.push({ raw, id, from: time });
    this.records.push(record);
    this.byId.set(equalityKey(id), record);
  }

  remove(record: StoredRecord, time: bigint): void {
    const current = record.visible();
    if (!current) return;
    current.to = time;
    this.byId.delete(equalityKey(current.id));
  }

  /** A new version of a record, in place (its _id cannot change). */
  replace(record: StoredRecord, raw: Buffer, time: bigint): void {
    const current = record.visible();
    if (!current) throw new Error('fake-mongod: replacing a deleted record');
    current.to = time;
    record.versions.push({ raw, id: current.id, from: time });
  }
}

export function defaultIdIndex(): Buffer {
  return encodeReply({ v: new Int32(2), key: { _id: new Int32(1) }, name: '_id_' });
}

const FORBIDDEN_DB = /[/\\. "$\0]/;

export function checkNamespace(db: string, coll?: string): void {
  if (db === '' || FORBIDDEN_DB.test(db) || Buffer.byteLength(db) > 63) throw new CommandError('InvalidNamespace', `Invalid database name: '${db}'`);
  if (coll === undefined) return;
  if (coll === '' || coll.includes('\0') || coll.startsWith('.') || (coll.includes('$') && !coll.startsWith('$cmd'))) {
    throw new CommandError('InvalidNamespace', `Invalid collection name: ${coll}`);
  }
}

export class MemoryStore {
  private readonly databases = new Map<string, Map<string, StoredCollection>>();

  constructor(readonly clock: ClusterClock) {}

  databaseNames(): string[] {
    return [...this.databases.entries()].filter(([, colls]) => colls.size > 0).map(([name]) => name);
  }

  collections(db: string): StoredCollection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  get(db: string, name: string): StoredCollection | undefined {
    return this.databases.get(db)?.get(name);
  }

  /** The collection to read documents from; views are not evaluated by the fake. */
  readable(db: string, name: string): StoredCollection | undefined {
    const coll = this.get(db, name);
    if (coll?.kind === 'view') throw new CommandError('CommandNotFound', `fake-mongod: unsupported read through the view ${coll.namespace} (views are metadata only)`);
    return coll;
  }

  create(db: string, name: string, kind: CollectionKind, options: Buffer): StoredCollection {
    checkNamespace(db, name);
    let colls = this.databases.get(db);
    if (!colls) {
      colls = new Map();
      this.databases.set(db, colls);
    }
    if (colls.has(name)) throw new CommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
    const coll = new StoredCollection(db, name, kind, options, this.clock.tick());
    colls.set(name, coll);
    return coll;
  }

  /** The collection an insert writes to, created on first use as mongod does. */
  writable(db: string, name: string): StoredCollection {
    const coll = this.get(db, name);
    if (coll?.kind === 'view') throw new CommandError('CommandNotSupportedOnView', `Namespace ${db}.${name} is a view, not a collection`);
    return coll ?? this.create(db, name, 'collection', buildDocument([]));
  }

  drop(db: string, name: string): boolean {
    return this.databases.get(db)?.delete(name) ?? false;
  }

  /** renameCollection: the same collection (records, indexes, options, uuid) under another namespace. */
  rename(db: string, name: string, toDb: string, to: string): void {
    checkNamespace(toDb, to);
    const coll = this.get(db, name);
    if (!coll) throw new CommandError('NamespaceNotFound', `Source collection ${db}.${name} does not exist`);
    if (this.get(toDb, to)) throw new CommandError('NamespaceExists', 'target namespace exists');
    this.databases.get(db)!.delete(name);
    coll.db = toDb;
    coll.name = to;
    let colls = this.databases.get(toDb);
    if (!colls) {
      colls = new Map();
      this.databases.set(toDb, colls);
    }
    colls.set(to, coll);
  }

  dropDatabase(db: string): void {
    this.databases.delete(db);
  }
}

/** A raw document's `_id`, if it has one. */
export function idOf(raw: Buffer): RawValue | undefined {
  return getField(raw, '_id');
}

/** Options of a stored collection decoded, for checks such as `viewOn`. */
export function optionsOf(coll: StoredCollection): Record<string, unknown> {
  return decodePlain(coll.options);
}
