// MongoDB benchmark: Strata's backup (runBackup, compression none and zstd -3, local storage) and restore
// (restoreBackup into new databases on the same server) of two datasets, small and large (raw dump
// ≥ 1 GB by default), with seconds, MB/s of raw (tar stream) bytes, docs/s and the peak RSS of Strata's
// child process for every backup and restore. Every restore is verified (documents, BSON bytes and
// indexes per collection) before its figures count.
//
// The server: --uri or STRATA_TEST_MONGODB_URI (a real MongoDB), else the FAKE wire server
// (test/helpers/fake-mongod, NOT a MongoDB) in a child process of its own. Against the fake, throughput is
// the fake's as much as Strata's and is labelled so; the peak RSS is Strata's own and is meaningful.
// Side by side: with a real server and `mongodump` on PATH, `mongodump --archive=FILE` and
// `mongodump --archive | zstd -3 -T0` are timed on the same databases; otherwise the table says why not.
// Usage: node bench/mongodb/run.mjs [--docs 520000] [--small-docs 52000] [--runs 2] [--uri mongodb://…] [--standalone]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COLLECTIONS, fill, planCounts } from './generate.mjs';
import { openServer } from './server.mjs';
import { pictureOf, verifyRestore } from './verify.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const largeDocs = Number(option('--docs', '520000'));
const smallDocs = Number(option('--small-docs', String(Math.round(largeDocs / 10))));
const runs = Number(option('--runs', '2'));
const uri = option('--uri', process.env.STRATA_TEST_MONGODB_URI);
const standalone = args.includes('--standalone');
const log = (m) => process.stderr.write(`${m}\n`);
const out = join(repo, 'bench', 'out');
mkdirSync(out, { recursive: true });

const PREFIX = 'strata_bench_';
const RESTORED = `${PREFIX}restored_`;
const DATASETS = [
  { name: 'small', prefix: `${PREFIX}small_`, docs: smallDocs },
  { name: 'large', prefix: `${PREFIX}large_`, docs: largeDocs },
];
const dbsOf = (dataset) => [...new Set(COLLECTIONS.map((c) => `${dataset.prefix}${c.db}`))];
const restoredName = (db) => `${RESTORED}${db}`;

// One ESM bundle of the Strata entry points: independent of dist/ and of type errors elsewhere in the tree.
const bundle = join(out, '.mongodb-strata-side-bundle.mjs');
execFileSync(join(repo, 'node_modules', '.bin', 'esbuild'), [join(here, 'entry.ts'), '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${bundle}`, '--log-level=warning'], {
  cwd: repo,
  stdio: 'inherit',
});

/** Whether mongodump can be run, and why not when it cannot. */
function mongodumpStatus(fake) {
  const probe = spawnSync('mongodump', ['--version'], { encoding: 'utf8' });
  const onPath = !probe.error;
  const reasons = [];
  if (fake) reasons.push('the server is the FAKE wire server (no mongod can be installed on this machine), and a mongodump timing against a fake is not a MongoDB figure');
  if (!onPath) reasons.push('mongodump is not on PATH (no MongoDB Database Tools package is reachable from this machine)');
  return { available: reasons.length === 0, reasons, version: onPath ? probe.stdout.split('\n')[0] : undefined };
}

const loads = [loadavg()];
const server = await openServer({ repo, here, out, uri, standalone, log });
const work = mkdtempSync(join(tmpdir(), 'strata-bench-mongodb-'));
try {
  const { client } = server;
  const dump = mongodumpStatus(server.fake);

  // Fill (or, on a real server, reuse when the counts already match) each dataset.
  const pictures = new Map();
  for (const dataset of DATASETS) {
    let picture = await pictureOf(client, dbsOf(dataset));
    const want = planCounts(dataset.docs);
    const matches = want.every((c) => picture.get(`${dataset.prefix}${c.db}.${c.name}`)?.docs === c.docs);
    if (!matches) {
      for (const db of dbsOf(dataset)) await client.db(db).dropDatabase();
      log(`filling the ${dataset.name} dataset (${dataset.docs} documents)…`);
      const started = Date.now();
      await fill(client, dataset.prefix, dataset.docs, log);
      log(`  filled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      picture = await pictureOf(client, dbsOf(dataset));
    }
    pictures.set(dataset.name, picture);
  }
  for (const db of (await client.db('admin').command({ listDatabases: 1, nameOnly: true })).databases.map((d) => d.name)) {
    if (db.startsWith(RESTORED)) await client.db(db).dropDatabase();
  }

  const env = { ...process.env, STRATA_BENCH_BUNDLE: bundle, BENCH_MONGODB_URI: server.uri };
  const strata = (...argv) => {
    const result = spawnSync(process.execPath, [join(here, 'strata-side.mjs'), ...argv], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
    if (result.status !== 0) throw new Error(`strata side failed (${argv.slice(0, 1).join(' ')}): ${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').pop());
  };
  const configFile = join(work, 'mongodump.yaml');
  if (dump.available) writeFileSync(configFile, `uri: ${JSON.stringify(server.uri)}\n`, { mode: 0o600 }); // the URI never on argv
  const timeMongodump = (dataset, compressed) => {
    const file = join(work, 'mongodump.archive');
    rmSync(file, { force: true });
    const includes = dbsOf(dataset).map((db) => `--nsInclude=${db}.*`);
    const script = compressed ? 'c="$1"; f="$2"; shift 2; mongodump --quiet --config="$c" --archive "$@" | zstd -q -3 -T0 > "$f"' : 'c="$1"; f="$2"; shift 2; mongodump --quiet --config="$c" --archive="$f" "$@"';
    const started = process.hrtime.bigint();
    const result = spawnSync('bash', ['-o', 'pipefail', '-c', script, 'bench', configFile, file, ...includes], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`mongodump failed: ${result.stderr}`);
    return { seconds, stored_bytes: statSync(file).size };
  };

  const samples = {};
  const add = (key, sample) => (samples[key] ??= []).push(sample);
  let verifiedCollections = 0;
  for (let run = 1; run <= runs; run += 1) {
    for (const dataset of DATASETS) {
      const source = pictures.get(dataset.name);
      for (const compression of ['none', 'zstd']) {
        const storage = join(work, `strata-${dataset.name}-${compression}`);
        rmSync(storage, { recursive: true, force: true });
        log(`run ${run}/${runs}: ${dataset.name}: strata backup (${compression})…`);
        const backup = strata('backup', storage, compression, ...dbsOf(dataset));
        add(`${dataset.name}.backup.${compression}`, backup);
        log(`run ${run}/${runs}: ${dataset.name}: strata restore (from ${compression}) into ${RESTORED}*…`);
        const restore = strata('restore', storage, `${RESTORED}*`);
        verifiedCollections += await verifyRestore(client, source, restoredName, backup.stats, restore.stats);
        add(`${dataset.name}.restore.${compression}`, { ...restore, stored_bytes: backup.stored_bytes });
        for (const db of dbsOf(dataset)) await client.db(restoredName(db)).dropDatabase();
        rmSync(storage, { recursive: true, force: true });
      }
      if (dump.available) {
        log(`run ${run}/${runs}: ${dataset.name}: mongodump --archive=FILE, and | zstd -3…`);
        add(`${dataset.name}.mongodump.none`, timeMongodump(dataset, false));
        add(`${dataset.name}.mongodump.zstd`, timeMongodump(dataset, true));
      }
    }
  }
  loads.push(loadavg());

  const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const figures = {};
  for (const [key, list] of Object.entries(samples)) {
    const [datasetName, op] = key.split('.');
    const rawBytes = best(samples[`${datasetName}.backup.none`]).raw_bytes;
    const docs = [...pictures.get(datasetName).values()].reduce((sum, c) => sum + c.docs, 0);
    const b = best(list);
    figures[key] = {
      seconds: b.seconds,
      all_seconds: list.map((s) => s.seconds),
      mb_per_s: rawBytes / 1e6 / b.seconds,
      docs_per_s: docs / b.seconds,
      stored_bytes: b.stored_bytes,
      ...(op === 'mongodump' ? {} : { peak_rss_mb: Math.max(...list.map((s) => s.max_rss_kb)) / 1024, all_peak_rss_mb: list.map((s) => s.max_rss_kb / 1024), node_cpu_seconds: b.node_cpu_seconds }),
    };
  }
  const strataRss = (name) => Math.max(...Object.entries(figures).filter(([k, f]) => k.startsWith(`${name}.`) && f.peak_rss_mb !== undefined).map(([, f]) => f.peak_rss_mb));
  const peak = Math.max(strataRss('small'), strataRss('large'));
  const ratios = {};
  if (dump.available) {
    for (const dataset of DATASETS) {
      for (const c of ['none', 'zstd']) ratios[`${dataset.name}.${c}`] = figures[`${dataset.name}.mongodump.${c}`].seconds / figures[`${dataset.name}.backup.${c}`].seconds;
    }
  }
  // glibc's allocator settings and V8's flags change Strata's RSS (see bench/README.md): say which were in effect.
  const memoryEnv = Object.entries(process.env)
    .filter(([k]) => k.startsWith('MALLOC_') || k === 'NODE_OPTIONS')
    .map(([k, v]) => `${k}=${v}`);
  const result = {
    format_version: 1,
    strata_child_memory_env: memoryEnv,
    at: new Date().toISOString(),
    server: server.fake ? `FAKE wire server (test/helpers/fake-mongod, ${standalone ? 'standalone' : 'replica set rs0'}): throughput is NOT a MongoDB figure` : 'real MongoDB (--uri)',
    host: { cpus: cpus().length, node: process.version, load_average: loads },
    runs,
    datasets: Object.fromEntries(
      DATASETS.map((d) => [
        d.name,
        { docs: [...pictures.get(d.name).values()].reduce((s, c) => s + c.docs, 0), bson_bytes: [...pictures.get(d.name).values()].reduce((s, c) => s + c.bytes, 0), raw_dump_bytes: best(samples[`${d.name}.backup.none`]).raw_bytes, collections: Object.fromEntries(pictures.get(d.name)) },
      ]),
    ),
    figures,
    restore_verified_collections: verifiedCollections,
    side_by_side: dump.available ? { mongodump: dump.version, ratio_mongodump_seconds_over_strata_seconds: ratios } : { possible: false, reasons: dump.reasons },
    strata_peak_rss_mb: { small: strataRss('small'), large: strataRss('large'), max: peak, target_max: 200, met: peak <= 200 },
    fake_server_peak_rss_mb: server.peakRssMb(),
  };
  const stamp = result.at.replace(/[:.]/g, '-');
  writeFileSync(join(out, `mongodb-${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, 'mongodb-latest.json'), `${JSON.stringify(result, null, 2)}\n`);

  const fmtLoad = (l) => l.map((x) => x.toFixed(2)).join(' ');
  const header = `${'step'.padEnd(34)} ${'seconds'.padStart(8)} ${'MB/s raw'.padStart(9)} ${'docs/s'.padStart(9)} ${'stored MB'.padStart(10)}  peak RSS MB (every run)`;
  const row = (label, f) =>
    `${label.padEnd(34)} ${f.seconds.toFixed(2).padStart(8)} ${f.mb_per_s.toFixed(1).padStart(9)} ${Math.round(f.docs_per_s).toString().padStart(9)} ${(f.stored_bytes / 1e6).toFixed(1).padStart(10)}  ${f.peak_rss_mb === undefined ? '(not Strata)' : `${f.peak_rss_mb.toFixed(0)} (${f.all_peak_rss_mb.map((x) => x.toFixed(0)).join(', ')})`}`;
  const lines = [];
  if (server.fake) {
    lines.push('MongoDB benchmark against the FAKE server (test/helpers/fake-mongod; NOT a MongoDB): every seconds, MB/s and docs/s figure');
    lines.push("below is against the FAKE server (not a MongoDB figure). The peak RSS figures are Strata's own process and are meaningful.");
  } else {
    lines.push('MongoDB benchmark against a real MongoDB server (--uri).');
  }
  lines.push(`Strata's child processes ran with ${memoryEnv.length > 0 ? memoryEnv.join(' ') : "glibc malloc's and V8's default settings"}`);
  lines.push(`best of ${runs} runs; load average (1/5/15 min) ${fmtLoad(loads[0])} at start → ${fmtLoad(loads[1])} at end, on ${cpus().length} CPUs`);
  for (const d of DATASETS) {
    const info = result.datasets[d.name];
    lines.push('');
    lines.push(`${d.name} dataset: ${info.docs} documents in ${Object.keys(info.collections).length} collections, ${(info.bson_bytes / 1e6).toFixed(1)} MB of BSON, raw dump (tar) ${(info.raw_dump_bytes / 1e6).toFixed(1)} MB`);
    lines.push(header);
    for (const c of ['none', 'zstd']) lines.push(row(`strata backup (${c === 'zstd' ? 'zstd -3' : 'none'})`, figures[`${d.name}.backup.${c}`]));
    for (const c of ['none', 'zstd']) lines.push(row(`strata restore (from ${c === 'zstd' ? 'zstd' : 'none'})`, figures[`${d.name}.restore.${c}`]));
    if (dump.available) {
      lines.push(row('mongodump --archive=FILE', figures[`${d.name}.mongodump.none`]));
      lines.push(row('mongodump --archive | zstd -3 -T0', figures[`${d.name}.mongodump.zstd`]));
      lines.push(`ratio mongodump seconds / strata seconds: ${ratios[`${d.name}.none`].toFixed(2)}× (none), ${ratios[`${d.name}.zstd`].toFixed(2)}× (zstd)`);
    }
  }
  lines.push('');
  lines.push(`restores verified: ${verifiedCollections} restored collections matched their source (documents, BSON bytes, indexes, Strata's stats)`);
  lines.push(`strata peak RSS: small ${result.strata_peak_rss_mb.small.toFixed(0)} MB, large ${result.strata_peak_rss_mb.large.toFixed(0)} MB (raw dump ${(result.datasets.large.raw_dump_bytes / 1e6).toFixed(0)} MB); target ≤ 200 MB: ${peak <= 200 ? 'met' : 'MISSED'}`);
  if (dump.available) lines.push(`side by side with ${dump.version}: see the mongodump rows and ratios above`);
  else lines.push(`no side-by-side comparison with mongodump: ${dump.reasons.join('; ')}. None is invented.`);
  if (result.fake_server_peak_rss_mb !== undefined) lines.push(`the FAKE server's own peak RSS (its own process, not Strata's): ${result.fake_server_peak_rss_mb.toFixed(0)} MB`);
  process.stdout.write(`${lines.join('\n')}\n`);
  log(`wrote ${join(out, `mongodb-${stamp}.json`)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
  await server.stop();
  rmSync(bundle, { force: true });
}
