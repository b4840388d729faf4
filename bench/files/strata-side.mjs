// Strata's side of the benchmark, in its own process so its peak RSS is its own: one runBackup of the
// data directory to local storage with zstd -3 and age. Prints one JSON line.
// Usage: node bench/files/strata-side.mjs DATA_DIR STORAGE_DIR RECIPIENT
import { runBackup } from '../../dist/backup/run-backup.js';
import { LocalStorage } from '../../dist/storage/local/local-storage.js';
import { benchPolicy, localTier } from '../lib/bench-policy.mjs';

const [dataDir, storageDir, recipient] = process.argv.slice(2);
const { policy, category } = benchPolicy({ source: 'bench', sourceDef: { type: 'files', paths: [dataDir] }, tier: localTier(storageDir), compression: 'zstd', recipients: [recipient] });
const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
const { manifest } = await runBackup({
  policy,
  category,
  data: category.data[0],
  storages: new Map([['local', new LocalStorage(storageDir)]]),
  resolveSecret: (v) => v,
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(
  `${JSON.stringify({ seconds, raw_bytes: manifest.raw_size, stored_bytes: manifest.size, stats: manifest.stats, max_rss_kb: process.resourceUsage().maxRSS, node_cpu_seconds: (cpu.user + cpu.system) / 1e6 })}\n`,
);
