// Files benchmark: Strata's backup of ~1 GB of mixed files vs the shell pipeline
// `tar -cf - DIR | zstd -3 | age -r KEY > out`, in one run. Reports MB/s for both, the ratio and Strata's
// peak RSS; writes JSON to bench/out/. See bench/README.md.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTree, totalBytes } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const root = option('--data', process.env.STRATA_BENCH_DIR ?? join(tmpdir(), 'strata-bench-files'));
const runs = Number(option('--runs', '2'));
const log = (m) => process.stderr.write(`${m}\n`);

if (!flag('--no-build')) {
  log('building dist/ (npm run build)…');
  // tsc still emits when some unrelated file has a type error; the benchmark only needs the data path.
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (build.status !== 0) log(`warning: npm run build exited ${build.status}; using dist/ as emitted`);
}
if (!existsSync(join(repo, 'dist', 'backup', 'run-backup.js'))) throw new Error('dist/ is missing: run npm run build');
// CPU seconds of a whole process tree (the shell pipeline, or Strata with its zstd and age), when GNU time exists.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const data = ensureTree(root, log);
const work = join(root, 'work');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
execFileSync('age-keygen', ['-o', join(work, 'key.txt')], { stdio: 'ignore' });
const recipient = /public key: (age1[0-9a-z]+)/.exec(readFileSync(join(work, 'key.txt'), 'utf8'))[1];

// Warm the page cache so neither side pays for the first read from disk.
execFileSync('bash', ['-c', 'tar -cf - "$1" > /dev/null', 'warm', data]);

function timeShell(script) {
  const out = join(work, 'pipeline.out');
  rmSync(out, { force: true });
  const started = process.hrtime.bigint();
  const command = ['bash', '-o', 'pipefail', '-c', script, 'bench', data, recipient, out];
  const result = spawnSync(gnuTime ?? command[0], gnuTime ? ['-f', 'CPU %U %S', ...command] : command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`pipeline failed: ${result.stderr}`);
  return { seconds, stored_bytes: statSync(out).size, cpu_seconds: cpuOf(result.stderr) };
}

function timeStrata() {
  const storage = join(work, 'strata-storage');
  rmSync(storage, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const command = [process.execPath, join(here, 'strata-side.mjs'), data, storage, recipient];
  const result = spawnSync(gnuTime ?? command[0], gnuTime ? ['-f', 'CPU %U %S', ...command] : command.slice(1), { encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`strata side failed: ${result.stderr}`);
  return { ...JSON.parse(result.stdout.trim().split('\n').pop()), wall_seconds: wall, cpu_seconds: cpuOf(result.stderr) };
}

function cpuOf(stderr) {
  const match = /CPU ([0-9.]+) ([0-9.]+)/.exec(stderr ?? '');
  return match ? Number(match[1]) + Number(match[2]) : undefined;
}

const PIPELINE = 'tar -cf - "$1" | zstd -3 | age -r "$2" > "$3"';
const PIPELINE_MT = 'tar -cf - "$1" | zstd -3 -T0 | age -r "$2" > "$3"';
// Strata fsyncs the artifact before committing it; this variant pays the same cost, for context.
const PIPELINE_SYNC = `${PIPELINE} && sync "$3"`;
const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const samples = { pipeline: [], pipeline_mt: [], pipeline_sync: [], strata: [] };
for (let i = 0; i < runs; i += 1) {
  log(`run ${i + 1}/${runs}: pipeline…`);
  samples.pipeline.push(timeShell(PIPELINE));
  log(`run ${i + 1}/${runs}: pipeline with zstd -T0…`);
  samples.pipeline_mt.push(timeShell(PIPELINE_MT));
  log(`run ${i + 1}/${runs}: pipeline + sync…`);
  samples.pipeline_sync.push(timeShell(PIPELINE_SYNC));
  log(`run ${i + 1}/${runs}: strata…`);
  samples.strata.push(timeStrata());
}

const strata = best(samples.strata);
const rawBytes = strata.raw_bytes;
const mbps = (s) => rawBytes / 1e6 / s;
const result = {
  format_version: 1,
  at: new Date().toISOString(),
  host: { cpus: (await import('node:os')).cpus().length, node: process.version },
  data: { dir: data, file_bytes: strata.stats.bytes, files: strata.stats.files, tar_bytes: rawBytes, generated_large_bytes: totalBytes() },
  runs,
  pipeline: {
    command: PIPELINE,
    seconds: best(samples.pipeline).seconds,
    mb_per_s: mbps(best(samples.pipeline).seconds),
    stored_bytes: best(samples.pipeline).stored_bytes,
    cpu_seconds: best(samples.pipeline).cpu_seconds,
  },
  pipeline_zstd_t0: { command: PIPELINE_MT, seconds: best(samples.pipeline_mt).seconds, mb_per_s: mbps(best(samples.pipeline_mt).seconds) },
  pipeline_sync: { command: PIPELINE_SYNC, seconds: best(samples.pipeline_sync).seconds, mb_per_s: mbps(best(samples.pipeline_sync).seconds) },
  strata: {
    seconds: strata.seconds,
    wall_seconds_with_startup: strata.wall_seconds,
    mb_per_s: mbps(strata.seconds),
    stored_bytes: strata.stored_bytes,
    peak_rss_mb: strata.max_rss_kb / 1024,
    node_cpu_seconds: strata.node_cpu_seconds,
    cpu_seconds_with_zstd_and_age: strata.cpu_seconds,
  },
  samples,
};
result.ratio = result.strata.mb_per_s / result.pipeline.mb_per_s;
result.ratio_vs_zstd_t0 = result.strata.mb_per_s / result.pipeline_zstd_t0.mb_per_s;
result.ratio_vs_sync = result.strata.mb_per_s / result.pipeline_sync.mb_per_s;
result.load_average = (await import('node:os')).loadavg();
result.targets = { ratio_min: 0.8, ratio_ok: result.ratio >= 0.8, rss_max_mb: 200, rss_ok: result.strata.peak_rss_mb <= 200 };

const row = (name, seconds, speed, extra = '') => `${name.padEnd(34)} ${seconds.toFixed(2).padStart(8)} s ${speed.toFixed(1).padStart(9)} MB/s  ${extra}`;
const lines = [
  `files benchmark: ${(rawBytes / 1e9).toFixed(2)} GB tar stream, ${strata.stats.files} files (best of ${runs})`,
  row('tar | zstd -3 | age', result.pipeline.seconds, result.pipeline.mb_per_s, result.pipeline.cpu_seconds ? `CPU ${result.pipeline.cpu_seconds.toFixed(1)} s` : ''),
  row('tar | zstd -3 -T0 | age', result.pipeline_zstd_t0.seconds, result.pipeline_zstd_t0.mb_per_s),
  row('tar | zstd -3 | age && sync', result.pipeline_sync.seconds, result.pipeline_sync.mb_per_s),
  row('strata runBackup (zstd -3 -T0, age)', result.strata.seconds, result.strata.mb_per_s, `CPU ${result.strata.cpu_seconds_with_zstd_and_age?.toFixed(1) ?? '?'} s (node ${result.strata.node_cpu_seconds.toFixed(1)} s), peak RSS ${result.strata.peak_rss_mb.toFixed(0)} MB`),
  `load average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')} (other processes share these ${result.host.cpus} cores)`,
  `ratio strata / pipeline: ${result.ratio.toFixed(2)}× (target ≥ 0.8: ${result.targets.ratio_ok ? 'met' : 'MISSED'}); vs zstd -T0 pipeline: ${result.ratio_vs_zstd_t0.toFixed(2)}×; vs pipeline + sync: ${result.ratio_vs_sync.toFixed(2)}×`,
  `peak RSS: ${result.strata.peak_rss_mb.toFixed(0)} MB (target ≤ 200 MB: ${result.targets.rss_ok ? 'met' : 'MISSED'})`,
];
process.stdout.write(`${lines.join('\n')}\n`);
const outDir = join(repo, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `files-${result.at.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(outDir, 'files-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
log(`wrote ${file}`);
rmSync(work, { recursive: true, force: true });
