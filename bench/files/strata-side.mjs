// Strata's side of the benchmark, in its own process so its peak RSS is its own: one runBackup of the
// data directory to local storage with zstd -3 and age. Prints one JSON line.
// Usage: node bench/files/strata-side.mjs DATA_DIR STORAGE_DIR RECIPIENT
import { runBackup } from '../../dist/backup/run-backup.js';
import { LocalStorage } from '../../dist/storage/local/local-storage.js';

const [dataDir, storageDir, recipient] = process.argv.slice(2);
const category = {
  name: 'bench',
  rpo: '1h',
  rto: '1h',
  rpoMs: 3_600_000,
  rtoMs: 3_600_000,
  data: [{ source: 'bench', sourceType: 'files' }],
  schedule: { full: '0 * * * *', timezone: 'UTC' },
  copies: [{ tier: 'local', keep: { last: 1 } }],
  verify: { checksum: 'never', restoreTest: 'never', drill: 'never' },
  compression: 'zstd',
  compressionLevel: 3,
  recipients: [recipient],
};
const policy = {
  file: '/dev/null',
  system: 'bench',
  scheduler: { type: 'none', strataBin: 'strata', policyPath: '/dev/null' },
  sources: { bench: { type: 'files', paths: [dataDir] } },
  tiers: { local: { name: 'local', storage: { type: 'local', path: storageDir }, offsite: false } },
  categories: [category],
};
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
