// Strata's side of the Redis benchmark, in its own process so its peak RSS is its own. Prints one JSON
// line: `seconds` is the runBackup/restoreBackup call (connect → manifest durable), `startup_seconds`
// what came before it in this process. Imports Strata from the bundle run.mjs makes
// (STRATA_BENCH_BUNDLE) or from dist/.
// Usage: node strata-side.mjs backup URL STORAGE_DIR rdb|logical COMPRESSION [RECIPIENT]
//        node strata-side.mjs restore STORAGE_DIR TARGET(URL or directory) [IDENTITY_FILE]
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { benchPolicy, localTier } from '../lib/bench-policy.mjs';

const strata = await import(process.env.STRATA_BENCH_BUNDLE ? pathToFileURL(process.env.STRATA_BENCH_BUNDLE).href : '../../dist/bench-entry.js');
const { runBackup, restoreBackup, scanTier, LocalStorage } = strata;
const [action, ...rest] = process.argv.slice(2);

function policyFor(url, storageDir, mode, compression, recipient) {
  return benchPolicy({ source: 'cache', sourceDef: { type: 'redis', url, mode }, tier: localTier(storageDir), compression, recipients: recipient ? [recipient] : [] });
}

// Node's boot and the loading of Strata's modules (the engine itself loads inside runBackup, as in the
// CLI): measured from process start (performance's time origin), reported apart from the backup span.
const startupSeconds = performance.now() / 1000;
const started = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
let result;
if (action === 'backup') {
  const [url, storageDir, mode, compression, recipient] = rest;
  const { policy, category } = policyFor(url, storageDir, mode, compression, recipient);
  const { manifest } = await runBackup({
    policy,
    category,
    data: category.data[0],
    storages: new Map([['local', new LocalStorage(storageDir)]]),
    resolveSecret: (v) => v,
  });
  result = { raw_bytes: manifest.raw_size, stored_bytes: manifest.size, stats: manifest.stats };
} else {
  const [storageDir, target, identityFile] = rest;
  const storage = new LocalStorage(storageDir);
  const { entries } = await scanTier(storage, 'local', 'bench/');
  const entry = entries.at(-1);
  const { policy } = policyFor('redis://unused', storageDir, 'rdb', 'none');
  const restored = await restoreBackup({ entry, storage, policy, target, identityFile, resolveSecret: (v) => v });
  result = { raw_bytes: restored.bytes, stats: restored.stats };
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(`${JSON.stringify({ seconds, startup_seconds: startupSeconds, ...result, max_rss_kb: process.resourceUsage().maxRSS, node_cpu_seconds: (cpu.user + cpu.system) / 1e6 })}\n`);
