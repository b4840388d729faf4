// Read the sampled keys back from a restored server and summarise them as key-sample.ts does from
// the artifact, so a restore test compares what the server holds with what the backup held.
import type { Redis } from 'ioredis';
import { digestSample, sha256Of, type SampledKey, type ValueSummary } from './key-sample.js';

const CARDINALITY: Record<string, string> = { list: 'LLEN', set: 'SCARD', zset: 'ZCARD', hash: 'HLEN', stream: 'XLEN' };

async function summariesIn(client: Redis, db: number, keys: Buffer[]): Promise<ValueSummary[]> {
  await client.select(db);
  const types = client.pipeline();
  for (const key of keys) types.type(key);
  const typeReplies = (await types.exec()) ?? [];
  const reads = client.pipeline();
  const kinds = keys.map((key, i) => {
    const [error, type] = typeReplies[i] ?? [new Error('no reply'), undefined];
    const kind = error ? 'none' : String(type);
    if (kind === 'string') reads.getBuffer(key);
    else if (CARDINALITY[kind]) reads.call(CARDINALITY[kind]!, key);
    return kind;
  });
  const values = kinds.some((k) => k === 'string' || CARDINALITY[k]) ? ((await reads.exec()) ?? []) : [];
  let next = 0;
  return kinds.map((kind): ValueSummary => {
    if (kind !== 'string' && !CARDINALITY[kind]) return { type: 'none' };
    const [error, value] = values[next++] ?? [new Error('no reply'), undefined];
    if (error) return { type: 'none' };
    if (kind === 'string') return Buffer.isBuffer(value) ? { type: 'string', sha256: sha256Of(value) } : { type: 'none' };
    return { type: kind as Exclude<ValueSummary['type'], 'string' | 'none'>, count: Number(value) };
  });
}

/**
 * Digest of the sampled keys as the server now holds them. `targetDb` maps the sample's (source)
 * databases to where they were restored; the digest keeps the source database numbers.
 */
export async function digestFromServer(client: Redis, sample: readonly SampledKey[], targetDb: (db: number) => number): Promise<number> {
  const byDb = new Map<number, number[]>();
  sample.forEach((entry, index) => {
    const db = targetDb(entry.db);
    byDb.set(db, [...(byDb.get(db) ?? []), index]);
  });
  const summaries: ValueSummary[] = new Array(sample.length);
  for (const [db, indexes] of byDb) {
    const read = await summariesIn(
      client,
      db,
      indexes.map((i) => sample[i]!.key),
    );
    indexes.forEach((i, j) => (summaries[i] = read[j]!));
  }
  return digestSample(sample.map((entry, i) => ({ db: entry.db, key: entry.key, summary: summaries[i]! })));
}
