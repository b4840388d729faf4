// Strata's side of the PostgreSQL benchmark, in its own process so its peak RSS is its own: one runBackup
// of the database to local storage. Prints one JSON line.
// Usage: node bench/postgres/strata-side.mjs URL STORAGE_DIR COMPRESSION(zstd|none) [RECIPIENT]
import { runBackup } from '../../dist/backup/run-backup.js';
import { LocalStorage } from '../../dist/storage/local/local-storage.js';
import { benchPolicy, localTier } from '../lib/bench-policy.mjs';

const [url, storageDir, compression, recipient] = process.argv.slice(2);
const { policy, category } = benchPolicy({
  source: 'db',
  sourceDef: { type: 'postgres', url: '${env:BENCH_PG_URL}' },
  tier: localTier(storageDir),
  compression,
  recipients: recipient ? [recipient] : [],
});
const started = process.hrtime.bigint();
const { manifest } = await runBackup({
  policy,
  category,
  data: category.data[0],
  storages: new Map([['local', new LocalStorage(storageDir)]]),
  resolveSecret: (v) => v.replace('${env:BENCH_PG_URL}', url),
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
process.stdout.write(
  `${JSON.stringify({ seconds, raw_bytes: manifest.raw_size, stored_bytes: manifest.size, stats: manifest.stats, max_rss_kb: process.resourceUsage().maxRSS })}\n`,
);
