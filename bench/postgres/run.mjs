// PostgreSQL benchmark: Strata's backup of a ≥ 1M-row database vs bare `pg_dump -Fc > file`, in one run.
// pg_dump -Fc compresses by itself (gzip level 6 by default); Strata runs pg_dump -Z0 and compresses with
// zstd -3 in a separate process, so three baselines are timed: pg_dump -Fc (what operators run), pg_dump
// -Fc -Z0 (no compression: compare with Strata's compression: none) and pg_dump -Fc -Z0 | zstd -3 -T0
// (the same work as Strata as a shell pipeline). No age on Strata's side unless --age. Reports seconds,
// MB/s of the raw dump, the overhead ratios and Strata's peak RSS; writes JSON to bench/out/.
// Usage: node bench/postgres/run.mjs [--rows 1500000] [--runs 2] [--age] [--no-build] [--data DIR]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureData, startCluster } from './cluster.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const rows = Number(option('--rows', '1500000'));
const runs = Number(option('--runs', '2'));
const root = option('--data', process.env.STRATA_BENCH_PG_DIR ?? join(tmpdir(), 'strata-bench-postgres'));
const log = (m) => process.stderr.write(`${m}\n`);

if (!flag('--no-build')) {
  log('building dist/ (npm run build)…');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
}

const cluster = await startCluster(root, log);
try {
  const database = ensureData(cluster, rows, log);
  const counted = Number(cluster.psql('SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM users)', database).trim());
  const work = join(root, 'work');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  let recipient;
  if (flag('--age')) {
    execFileSync('age-keygen', ['-o', join(work, 'key.txt')], { stdio: 'ignore' });
    recipient = /public key: (age1[0-9a-z]+)/.exec(readFileSync(join(work, 'key.txt'), 'utf8'))[1];
  }
  const pgDump = join(cluster.bin, 'pg_dump');

  const timeShell = (script) => {
    const out = join(work, 'shell.out');
    rmSync(out, { force: true });
    const started = process.hrtime.bigint();
    const result = spawnSync('bash', ['-o', 'pipefail', '-c', script, 'bench', pgDump, database, out], { env: cluster.env, stdio: ['ignore', 'ignore', 'pipe'] });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (result.status !== 0) throw new Error(`${script} failed: ${result.stderr}`);
    return { seconds, bytes: statSync(out).size };
  };
  const timeStrata = (compression) => {
    const storage = join(work, 'strata-storage');
    rmSync(storage, { recursive: true, force: true });
    const sideArgs = [join(here, 'strata-side.mjs'), cluster.url(database), storage, compression, ...(recipient ? [recipient] : [])];
    const result = spawnSync(process.execPath, sideArgs, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`strata side failed: ${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').pop());
  };

  const SHELL = {
    pg_dump_fc: '"$1" -Fc -d "$2" > "$3"',
    pg_dump_fc_z0: '"$1" -Fc -Z0 -d "$2" > "$3"',
    pg_dump_z0_zstd: '"$1" -Fc -Z0 -d "$2" | zstd -q -3 -T0 > "$3"',
  };
  // Warm the cache so no side pays for the first read of the table files.
  timeShell(SHELL.pg_dump_fc_z0);
  const samples = { pg_dump_fc: [], pg_dump_fc_z0: [], pg_dump_z0_zstd: [], strata_zstd: [], strata_none: [] };
  const loads = [];
  for (let i = 0; i < runs; i += 1) {
    loads.push(loadavg()[0]);
    for (const name of Object.keys(SHELL)) {
      log(`run ${i + 1}/${runs}: ${name}…`);
      samples[name].push(timeShell(SHELL[name]));
    }
    log(`run ${i + 1}/${runs}: strata (zstd -3${recipient ? ', age' : ''})…`);
    samples.strata_zstd.push(timeStrata('zstd'));
    log(`run ${i + 1}/${runs}: strata (compression: none${recipient ? ', age' : ''})…`);
    samples.strata_none.push(timeStrata('none'));
  }
  loads.push(loadavg()[0]);

  const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const rawBytes = best(samples.strata_none).raw_bytes;
  const mbps = (s) => rawBytes / 1e6 / s;
  const entry = (name, extra = {}) => {
    const b = best(samples[name]);
    return { seconds: b.seconds, all_seconds: samples[name].map((s) => s.seconds), mb_per_s: mbps(b.seconds), stored_bytes: b.bytes ?? b.stored_bytes, ...extra };
  };
  const strataZstd = best(samples.strata_zstd);
  const strataNone = best(samples.strata_none);
  const result = {
    format_version: 1,
    at: new Date().toISOString(),
    host: { cpus: cpus().length, node: process.version, load_average_1m: loads },
    data: { database, rows: counted, raw_dump_bytes: rawBytes, stats: strataZstd.stats },
    runs,
    encryption: recipient ? 'age' : 'none',
    baselines: {
      pg_dump_fc: { command: 'pg_dump -Fc > file', ...entry('pg_dump_fc') },
      pg_dump_fc_z0: { command: 'pg_dump -Fc -Z0 > file', ...entry('pg_dump_fc_z0') },
      pg_dump_z0_zstd: { command: 'pg_dump -Fc -Z0 | zstd -3 -T0 > file', ...entry('pg_dump_z0_zstd') },
    },
    strata: {
      zstd3: { ...entry('strata_zstd'), peak_rss_mb: strataZstd.max_rss_kb / 1024, all_peak_rss_mb: samples.strata_zstd.map((s) => s.max_rss_kb / 1024) },
      none: { ...entry('strata_none'), peak_rss_mb: strataNone.max_rss_kb / 1024, all_peak_rss_mb: samples.strata_none.map((s) => s.max_rss_kb / 1024) },
    },
  };
  const overhead = (strata, base) => strata.seconds / base.seconds - 1;
  result.overhead = {
    strata_zstd_vs_pg_dump_fc: overhead(result.strata.zstd3, result.baselines.pg_dump_fc),
    strata_none_vs_pg_dump_fc_z0: overhead(result.strata.none, result.baselines.pg_dump_fc_z0),
    strata_zstd_vs_pg_dump_z0_zstd: overhead(result.strata.zstd3, result.baselines.pg_dump_z0_zstd),
  };
  const peak = Math.max(...result.strata.zstd3.all_peak_rss_mb, ...result.strata.none.all_peak_rss_mb);
  result.targets = {
    overhead_max: 0.1,
    overhead_ok: result.overhead.strata_zstd_vs_pg_dump_fc <= 0.1,
    rss_max_mb: 200,
    rss_ok: peak <= 200,
    peak_rss_mb: peak,
  };

  const row = (name, r, extra = '') =>
    `${name.padEnd(40)} ${r.seconds.toFixed(2).padStart(7)} s ${r.mb_per_s.toFixed(1).padStart(8)} MB/s ${(r.stored_bytes / 1e6).toFixed(1).padStart(8)} MB stored  ${extra}`;
  const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
  const lines = [
    `postgres benchmark: ${counted} rows, ${(rawBytes / 1e6).toFixed(1)} MB raw dump (pg_dump -Fc -Z0), best of ${runs}, encryption ${result.encryption}, load avg ${loads.map((l) => l.toFixed(1)).join('/')}`,
    row('pg_dump -Fc > file', result.baselines.pg_dump_fc),
    row('pg_dump -Fc -Z0 > file', result.baselines.pg_dump_fc_z0),
    row('pg_dump -Fc -Z0 | zstd -3 -T0 > file', result.baselines.pg_dump_z0_zstd),
    row('strata (zstd -3)', result.strata.zstd3, `peak RSS ${result.strata.zstd3.peak_rss_mb.toFixed(0)} MB`),
    row('strata (compression: none)', result.strata.none, `peak RSS ${result.strata.none.peak_rss_mb.toFixed(0)} MB`),
    `overhead strata zstd vs pg_dump -Fc: ${pct(result.overhead.strata_zstd_vs_pg_dump_fc)} (target ≤ +10%: ${result.targets.overhead_ok ? 'met' : 'MISSED'}); ratio ${(result.strata.zstd3.seconds / result.baselines.pg_dump_fc.seconds).toFixed(2)}×`,
    `overhead strata none vs pg_dump -Fc -Z0: ${pct(result.overhead.strata_none_vs_pg_dump_fc_z0)}; strata zstd vs pg_dump -Z0 | zstd: ${pct(result.overhead.strata_zstd_vs_pg_dump_z0_zstd)}`,
    `peak RSS: ${peak.toFixed(0)} MB (target ≤ 200 MB: ${result.targets.rss_ok ? 'met' : 'MISSED'})`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const outDir = join(repo, 'bench', 'out');
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `postgres-${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(outDir, 'postgres-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${file}`);
  rmSync(work, { recursive: true, force: true });
} finally {
  cluster.stop();
}
