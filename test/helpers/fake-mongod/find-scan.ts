// The documents of a find, produced lazily like a server's plan executor, so a plain (non-snapshot)
// cursor sees writes that land between its batches the way mongod's would:
// - natural order walks records by RecordId: later inserts are seen, updated records are read as they
//   are when the scan reaches them;
// - `_id` order walks the _id index: a record's _id never changes, so the order is fixed when the scan
//   starts, and records inserted later join it if their _id is still ahead of the scan position.
// A snapshot cursor (`at` set) reads every record as it was at that cluster time.
import { compareValues } from './bson-order.js';
import type { StoredCollection, StoredRecord } from './memory-store.js';
import type { Matcher } from './query-match.js';

export interface DocSource {
  /** The next document, or undefined at the end. */
  next(): Buffer | undefined;
}

export type ScanOrder = 'natural' | 1 | -1;

export interface ScanOptions {
  match: Matcher;
  order: ScanOrder;
  /** Snapshot read time; undefined reads the latest versions. */
  at?: bigint;
  skip?: number;
  project?: (raw: Buffer) => Buffer;
}

function idOfRecord(record: StoredRecord): StoredRecord['versions'][number]['id'] {
  return record.versions[0]!.id;
}

class NaturalScan implements DocSource {
  private index = 0;

  constructor(
    private readonly coll: StoredCollection,
    private readonly options: ScanOptions,
  ) {}

  next(): Buffer | undefined {
    while (this.index < this.coll.records.length) {
      const version = this.coll.records[this.index++]!.visible(this.options.at);
      if (version && this.options.match(version.raw)) return version.raw;
    }
    return undefined;
  }
}

class IdOrderScan implements DocSource {
  private pending: StoredRecord[];
  private index = 0;
  private seen: number;
  private position: StoredRecord | undefined;

  constructor(
    private readonly coll: StoredCollection,
    private readonly options: ScanOptions & { order: 1 | -1 },
  ) {
    this.seen = coll.records.length;
    this.pending = this.sorted(coll.records.filter((r) => r.visible(options.at) !== undefined));
  }

  private sorted(records: StoredRecord[]): StoredRecord[] {
    const direction = this.options.order;
    return records.sort((a, b) => direction * compareValues(idOfRecord(a), idOfRecord(b)));
  }

  /** Records inserted since the scan started join it when their _id is still ahead (plain reads only). */
  private admitNewRecords(): void {
    if (this.options.at !== undefined || this.coll.records.length === this.seen) return;
    const fresh = this.coll.records.slice(this.seen);
    this.seen = this.coll.records.length;
    const position = this.position;
    const ahead = position ? fresh.filter((r) => this.options.order * compareValues(idOfRecord(r), idOfRecord(position)) > 0) : fresh;
    if (ahead.length === 0) return;
    this.pending = this.sorted([...this.pending.slice(this.index), ...ahead]);
    this.index = 0;
  }

  next(): Buffer | undefined {
    this.admitNewRecords();
    for (;;) {
      const record = this.pending[this.index++];
      if (!record) return undefined;
      this.position = record;
      const version = record.visible(this.options.at);
      if (version && this.options.match(version.raw)) return version.raw;
    }
  }
}

class Skipped implements DocSource {
  constructor(
    private readonly inner: DocSource,
    private skip: number,
  ) {}

  next(): Buffer | undefined {
    while (this.skip > 0) {
      this.skip -= 1;
      if (this.inner.next() === undefined) return undefined;
    }
    return this.inner.next();
  }
}

export function scanCollection(coll: StoredCollection | undefined, options: ScanOptions): DocSource {
  if (!coll) return { next: () => undefined };
  const order = options.order;
  let source: DocSource = order === 'natural' ? new NaturalScan(coll, options) : new IdOrderScan(coll, { ...options, order });
  if (options.skip) source = new Skipped(source, options.skip);
  const project = options.project;
  if (!project) return source;
  const inner = source;
  return {
    next: () => {
      const raw = inner.next();
      return raw === undefined ? undefined : project(raw);
    },
  };
}

export function arraySource(docs: readonly Buffer[]): DocSource {
  let index = 0;
  return { next: () => docs[index++] };
}
