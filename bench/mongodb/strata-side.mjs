// Strata's side of the MongoDB benchmark, in its own process so its peak RSS is its own. Prints one JSON
// line. Imports Strata from the bundle run.mjs makes (STRATA_BENCH_BUNDLE). The server's URI comes from
// the environment (BENCH_MONGODB_URI), never argv: a real server's URI may hold a password.
// Usage: node strata-side.mjs backup STORAGE_DIR COMPRESSION(none|zstd) DB [DB…]
//        node strata-side.mjs restore STORAGE_DIR TARGET_TEMPLATE   (a database path such as r_*)
import { pathToFileURL } from 'node:url';
import { benchPolicy, localTier } from '../lib/bench-policy.mjs';

const { runBackup, restoreBackup, scanTier, LocalStorage, formatMongoUri, parseMongoUri } = await import(pathToFileURL(process.env.STRATA_BENCH_BUNDLE).href);
const URI_REF = '${env:BENCH_MONGODB_URI}';
const resolveSecret = (value) => value.split(URI_REF).join(process.env.BENCH_MONGODB_URI);
const [action, storageDir, ...rest] = process.argv.slice(2);

function policyFor(compression, include) {
  return benchPolicy({ source: 'db', sourceDef: { type: 'mongodb', uri: URI_REF, include }, tier: localTier(storageDir), compression });
}

const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
let result;
if (action === 'backup') {
  const [compression, ...include] = rest;
  const { policy, category } = policyFor(compression, include);
  const { manifest } = await runBackup({ policy, category, data: category.data[0], storages: new Map([['local', new LocalStorage(storageDir)]]), resolveSecret });
  result = { raw_bytes: manifest.raw_size, stored_bytes: manifest.size, stats: manifest.stats };
} else if (action === 'restore') {
  const [template] = rest;
  const storage = new LocalStorage(storageDir);
  const { entries } = await scanTier(storage, 'local', 'bench/');
  const entry = entries.at(-1);
  if (!entry) throw new Error(`no backup in ${storageDir}`);
  const { policy } = policyFor('none', []);
  // The target carries the credentials of the source URI: resolved here, from the environment.
  const target = formatMongoUri({ ...parseMongoUri(process.env.BENCH_MONGODB_URI), database: template });
  const restored = await restoreBackup({ entry, storage, policy, target: URI_REF, resolveSecret: (v) => (v === URI_REF ? target : resolveSecret(v)) });
  result = { raw_bytes: restored.bytes, stats: restored.stats };
} else {
  throw new Error(`unknown action ${action}`);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(`${JSON.stringify({ seconds, ...result, max_rss_kb: process.resourceUsage().maxRSS, node_cpu_seconds: (cpu.user + cpu.system) / 1e6 })}\n`);
