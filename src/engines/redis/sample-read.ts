// Read the sampled keys back from a restored server and summarise them as key-sample.ts does from
// the artifact, so a restore test compares what the server holds with what the backup held.
import { digestSample, sha256Of, type SampledKey, type ValueSummary } from './key-sample.js';
import type { RespClient } from './resp-client.js';
import { RespError } from './resp-reply.js';

const CARDINALITY: Record<string, string> = { list: 'LLEN', set: 'SCARD', zset: 'ZCARD', hash: 'HLEN', stream: 'XLEN' };

async function summariesIn(client: RespClient, db: number, keys: Buffer[]): Promise<ValueSummary[]> {
  await client.select(db);
  const types = (await client.pipeline(keys.map((key) => ['TYPE', key]))).map((reply) => (typeof reply === 'string' ? reply : 'none'));
  const reads = keys.flatMap((key, i) => {
    const type = types[i]!;
    if (type === 'string') return [['GET', key]];
    const command = CARDINALITY[type];
    return command ? [[command, key]] : [];
  });
  const values = await client.pipeline(reads);
  let next = 0;
  return types.map((type): ValueSummary => {
    if (type !== 'string' && !CARDINALITY[type]) return { type: 'none' };
    const value = values[next++];
    if (value instanceof RespError || value === undefined) return { type: 'none' };
    if (type === 'string') return Buffer.isBuffer(value) ? { type: 'string', sha256: sha256Of(value) } : { type: 'none' };
    return { type: type as Exclude<ValueSummary['type'], 'string' | 'none'>, count: Number(value) };
  });
}

/**
 * Digest of the sampled keys as the server now holds them. `targetDb` maps the sample's (source)
 * databases to where they were restored; the digest keeps the source database numbers.
 */
export async function digestFromServer(client: RespClient, sample: readonly SampledKey[], targetDb: (db: number) => number): Promise<number> {
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
