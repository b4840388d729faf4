// Why the like-for-like ratio of run.mjs moves with the machine's load (README.md, "What limits the
// ratio"): during a diskless transfer redis-server's fork child needs a core for the whole RDB, and
// whatever CPU a client uses meanwhile competes with it. Interleaved, on one private server:
// - redis-cli --rdb alone, with the server's CPU per snapshot (fork child included);
// - redis-cli alongside a process that only burns CPU (--burn % of one core, in 1 ms slices): the
//   slowdown a client's CPU alone causes, without any data path;
// - Strata (runBackup, compression none) and redis-cli unpinned, then with redis-server pinned to
//   CPU 0 and the client to CPU 1 (taskset): the two data paths with and without contention.
// Usage: node bench/redis/contention.mjs [--keys 600000] [--runs 5] [--burn 30]
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fill, startServer } from './generate.mjs';
import { buildStrataBundle, runRedisCli, runStrata } from './sides.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'out');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const keys = Number(option('--keys', '600000'));
const runs = Number(option('--runs', '5'));
const burn = Number(option('--burn', '30'));
const log = (m) => process.stderr.write(`${m}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
if (cpus().length < 2) throw new Error('the pinned runs need two CPUs');
mkdirSync(out, { recursive: true });

/** CPU seconds of a process and its reaped children (redis-server's fork children end up here). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return ticks / 100;
}

/** A process busy `percent` of every 10 ms for `seconds`: CPU use without a data path. */
function startBurner(percent, seconds) {
  const code = `const end = Date.now() + ${seconds * 1000}; const tick = () => { const busy = performance.now() + ${percent / 10}; while (performance.now() < busy); if (Date.now() < end) setTimeout(tick, ${10 - percent / 10}); }; tick();`;
  const child = spawn(process.execPath, ['-e', code], { stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', resolve));
}

const { bundle, remove: removeBundle } = buildStrataBundle(join(out, '.redis-contention-bundle'));
const load = [loadavg()[0]];
const source = await startServer(log);
const pid = Number(/process_id:(\d+)/.exec(source.cli('INFO', 'server'))[1]);
const pin = (list) => execFileSync('taskset', ['-a', '-p', '-c', list, String(pid)], { stdio: 'ignore' });
try {
  await fill(source, keys, log);
  source.cli('CONFIG', 'SET', 'repl-diskless-sync-delay', '0');
  const work = join(source.dir, 'work');
  mkdirSync(work, { recursive: true });
  const cliFile = join(work, 'cli.rdb');
  const storage = join(work, 'strata');
  const strata = (prefix = []) => {
    rmSync(storage, { recursive: true, force: true });
    const r = runStrata(bundle, ['backup', source.url, storage, 'rdb', 'none'], prefix);
    return { seconds: r.seconds, cpu: r.node_cpu_seconds };
  };
  const samples = { cli_alone: [], server_cpu: [], cli_burner: [], cli: [], strata: [], cli_pinned: [], strata_pinned: [] };
  for (let i = 0; i < runs; i += 1) {
    log(`run ${i + 1}/${runs}…`);
    await sleep(300); // the fork child of the previous run is reaped first
    const before = cpuSeconds(pid);
    samples.cli_alone.push(runRedisCli(source.port, cliFile).seconds);
    await sleep(300); // the server reaps its fork child on its next cron tick
    samples.server_cpu.push(cpuSeconds(pid) - before);
    const burner = startBurner(burn, samples.cli_alone[i] * 1.5);
    await sleep(50);
    samples.cli_burner.push(runRedisCli(source.port, cliFile).seconds);
    await burner;
    samples.cli.push(runRedisCli(source.port, cliFile).seconds);
    samples.strata.push(strata());
    pin('0');
    samples.cli_pinned.push(runRedisCli(source.port, cliFile, ['taskset', '-c', '1']).seconds);
    samples.strata_pinned.push(strata(['taskset', '-c', '1']));
    pin(`0-${cpus().length - 1}`);
  }
  load.push(loadavg()[0]);

  const median = (list) => {
    const s = [...list].sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  };
  const seconds = (list) => list.map((x) => (typeof x === 'number' ? x : x.seconds));
  const summary = Object.fromEntries(Object.entries(samples).map(([name, list]) => [name, { median: median(seconds(list)), min: Math.min(...seconds(list)), all: seconds(list) }]));
  const result = {
    format_version: 1,
    at: new Date().toISOString(),
    host: { cpus: cpus().length, node: process.version, load_average_1m: load },
    keys,
    runs,
    burn_percent: burn,
    summary,
    strata_cpu_median_seconds: median(samples.strata.map((x) => x.cpu)),
    ratios_median: {
      cli_burner_vs_alone: summary.cli_alone.median / summary.cli_burner.median,
      strata_vs_cli: summary.cli.median / summary.strata.median,
      strata_vs_cli_pinned: summary.cli_pinned.median / summary.strata_pinned.median,
    },
  };
  writeFileSync(join(out, 'redis-contention-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  const row = (name, key) => `${name.padEnd(52)} median ${summary[key].median.toFixed(2)} s, min ${summary[key].min.toFixed(2)} s`;
  process.stdout.write(
    `${[
      `Redis contention: ${keys} keys, ${runs} runs (load average ${load.map((l) => l.toFixed(1)).join(' → ')} on ${cpus().length} CPUs)`,
      row('redis-server CPU per snapshot (fork child included)', 'server_cpu'),
      row('redis-cli --rdb alone', 'cli_alone'),
      row(`redis-cli --rdb beside a ${burn}% CPU burner`, 'cli_burner'),
      row('redis-cli --rdb', 'cli'),
      row('strata rdb, none', 'strata'),
      row('redis-cli --rdb, server on CPU 0, client on CPU 1', 'cli_pinned'),
      row('strata rdb, none, server on CPU 0, client on CPU 1', 'strata_pinned'),
      `strata CPU per backup (median): ${result.strata_cpu_median_seconds.toFixed(2)} s`,
      `ratios (medians): redis-cli beside the burner ${result.ratios_median.cli_burner_vs_alone.toFixed(2)}× its own speed; strata / redis-cli ${result.ratios_median.strata_vs_cli.toFixed(2)}× unpinned, ${result.ratios_median.strata_vs_cli_pinned.toFixed(2)}× pinned`,
    ].join('\n')}\n`,
  );
} finally {
  try {
    pin(`0-${cpus().length - 1}`);
  } catch {
    // the server may be gone already
  }
  await source.stop();
  removeBundle();
}
