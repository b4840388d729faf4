// Redis benchmark, in one run against one private redis-server (≥ 500k keys, see generate.mjs):
// - rdb: Strata's backup (runBackup, compression none, local storage) vs `redis-cli --rdb FILE`, both
//   on the server's defaults (repl-diskless-sync-delay 5: redis-cli waits it out, Strata takes the disk
//   path) and with the delay set to 0 (both stream diskless: the like-for-like throughput ratio);
//   plus one Strata run with zstd -3 + age for context;
// - logical: keys/s of a logical backup, and of its restore into a fresh server; keys/s of an rdb
//   restore into a fresh server (scratch redis-server + DUMP/RESTORE copy);
// - Strata's peak RSS in every run (child process, process.resourceUsage().maxRSS).
// Spans: redis-cli is timed as a process (spawn → exit: its ~5 ms start, the transfer, its fsync).
// Strata's `seconds` is its runBackup call (connect, probes, transfer, scan, hash, write, fsync,
// manifest); its process start-up (Node boot + module load) is reported apart, and the end-to-end
// process wall time of both is compared too. See README.md.
// Prints a table and writes JSON to bench/out/. Usage: node bench/redis/run.mjs [--keys 600000] [--runs 5]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fill, startServer } from './generate.mjs';
import { buildStrataBundle, runRedisCli, runStrata } from './sides.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const keys = Number(option('--keys', '600000'));
const runs = Number(option('--runs', '5'));
const log = (m) => process.stderr.write(`${m}\n`);
const out = join(repo, 'bench', 'out');
mkdirSync(out, { recursive: true });

const { bundle, remove: removeBundle } = buildStrataBundle(join(out, '.redis-strata-side-bundle'));

const load = [loadavg()[0]];
const source = await startServer(log);
const servers = [source];
try {
  await fill(source, keys, log);
  const dbsize = Number(source.cli('DBSIZE'));
  const work = join(source.dir, 'work');
  mkdirSync(work, { recursive: true });
  execFileSync('age-keygen', ['-o', join(work, 'key.txt')], { stdio: 'ignore' });
  const recipient = /public key: (age1[0-9a-z]+)/.exec(readFileSync(join(work, 'key.txt'), 'utf8'))[1];

  const strata = (...argv) => runStrata(bundle, argv);
  const redisCli = () => runRedisCli(source.port, join(work, 'cli.rdb'));
  const strataRdb = (compression = 'none', withAge = false) => {
    const storage = join(work, `strata-${compression}`);
    rmSync(storage, { recursive: true, force: true });
    const r = strata('backup', source.url, storage, 'rdb', compression, ...(withAge ? [recipient] : []));
    return { seconds: r.seconds, startup: r.startup_seconds, wall: r.wall_seconds, bytes: r.raw_bytes, max_rss_kb: r.max_rss_kb, cpu: r.node_cpu_seconds, stats: r.stats };
  };
  const setDelay = (seconds) => source.cli('CONFIG', 'SET', 'repl-diskless-sync-delay', String(seconds));

  const samples = { cli_default: [], strata_default: [], cli_delay0: [], strata_delay0: [] };
  setDelay(5);
  log('redis-cli --rdb with the server defaults (repl-diskless-sync-delay 5)…');
  samples.cli_default.push(redisCli());
  for (let i = 0; i < runs; i += 1) {
    log(`run ${i + 1}/${runs}: strata rdb (defaults: disk path)…`);
    samples.strata_default.push(strataRdb());
  }
  setDelay(0);
  for (let i = 0; i < runs; i += 1) {
    // Alternate who goes first, so neither always meets the state (page cache, server) the other leaves.
    const pair = [
      () => {
        log(`run ${i + 1}/${runs}: redis-cli --rdb (delay 0)…`);
        samples.cli_delay0.push(redisCli());
      },
      () => {
        log(`run ${i + 1}/${runs}: strata rdb (delay 0: diskless)…`);
        samples.strata_delay0.push(strataRdb());
      },
    ];
    if (i % 2 === 1) pair.reverse();
    for (const step of pair) step();
  }
  setDelay(5);
  log('strata rdb with zstd -3 + age…');
  const zstdAge = strataRdb('zstd', true);

  log('strata logical backup…');
  const logicalStorage = join(work, 'logical');
  const logical = strata('backup', source.url, logicalStorage, 'logical', 'none');
  log('strata logical restore into a fresh server…');
  const logicalTarget = await startServer(log);
  servers.push(logicalTarget);
  const logicalRestore = strata('restore', logicalStorage, logicalTarget.url);
  const logicalRestored = Number(logicalTarget.cli('DBSIZE'));
  log('strata rdb restore into a fresh server…');
  const rdbTarget = await startServer(log);
  servers.push(rdbTarget);
  const rdbRestore = strata('restore', join(work, 'strata-none'), rdbTarget.url);
  const rdbRestored = Number(rdbTarget.cli('DBSIZE'));
  load.push(loadavg()[0]);

  const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const spread = (list, key = 'seconds') => {
    const s = list.map((x) => x[key]);
    return { min: Math.min(...s), max: Math.max(...s) };
  };
  const median = (list, key = 'seconds') => {
    const s = list.map((x) => x[key]).sort((a, b) => a - b);
    const mid = s.length >> 1;
    return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  };
  const minOf = (list, key) => Math.min(...list.map((x) => x[key]));
  const cliD0 = samples.cli_delay0;
  const strataD0 = samples.strata_delay0;
  const mbps = (x) => x.bytes / 1e6 / x.seconds;
  const allRss = [...samples.strata_default, ...samples.strata_delay0, zstdAge, logical, logicalRestore, rdbRestore].map((r) => r.max_rss_kb);
  const result = {
    format_version: 1,
    at: new Date().toISOString(),
    host: { cpus: cpus().length, node: process.version, load_average_1m: load },
    data: { keys: dbsize, rdb_bytes: best(samples.cli_delay0).bytes },
    runs,
    rdb: {
      server_defaults: {
        redis_cli: { seconds: samples.cli_default[0].seconds, mb_per_s: mbps(samples.cli_default[0]) },
        strata: { seconds: best(samples.strata_default).seconds, mb_per_s: mbps(best(samples.strata_default)), spread: spread(samples.strata_default) },
        ratio: mbps(best(samples.strata_default)) / mbps(samples.cli_default[0]),
      },
      delay_0: {
        redis_cli: { seconds: best(cliD0).seconds, median_seconds: median(cliD0), mb_per_s: mbps(best(cliD0)), spread: spread(cliD0), all: cliD0.map((x) => x.seconds) },
        strata: {
          seconds: best(strataD0).seconds,
          median_seconds: median(strataD0),
          mb_per_s: mbps(best(strataD0)),
          spread: spread(strataD0),
          all: strataD0.map((x) => x.seconds),
          startup_median_seconds: median(strataD0, 'startup'),
          process_wall: { best: minOf(strataD0, 'wall'), median: median(strataD0, 'wall'), spread: spread(strataD0, 'wall') },
          cpu_median_seconds: median(strataD0, 'cpu'),
        },
        // Throughput over comparable spans: redis-cli's process (start ~5 ms) vs Strata's runBackup call.
        ratio: mbps(best(strataD0)) / mbps(best(cliD0)),
        ratio_median: median(cliD0) / median(strataD0),
        // End to end, both processes from spawn to exit (Strata's includes Node boot and module load).
        ratio_process_wall: minOf(cliD0, 'seconds') / minOf(strataD0, 'wall'),
        ratio_process_wall_median: median(cliD0) / median(strataD0, 'wall'),
      },
      strata_zstd_age: { seconds: zstdAge.seconds, mb_per_s: mbps(zstdAge) },
      stats: best(samples.strata_default).stats,
    },
    logical: {
      backup: { seconds: logical.seconds, keys: logical.stats.keys, keys_per_s: logical.stats.keys / logical.seconds, raw_bytes: logical.raw_bytes },
      restore: { seconds: logicalRestore.seconds, keys: logicalRestored, keys_per_s: logicalRestored / logicalRestore.seconds },
    },
    rdb_restore_to_url: { seconds: rdbRestore.seconds, keys: rdbRestored, keys_per_s: rdbRestored / rdbRestore.seconds },
    strata_peak_rss_mb: Math.max(...allRss) / 1024,
    strata_rss_mb_per_run: allRss.map((kb) => Math.round(kb / 1024)),
  };
  const stamp = result.at.replace(/[:.]/g, '-');
  writeFileSync(join(out, `redis-${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, 'redis-latest.json'), `${JSON.stringify(result, null, 2)}\n`);

  const row = (name, seconds, rate) => `${name.padEnd(46)} ${seconds.toFixed(2).padStart(8)} s ${rate.padStart(16)}`;
  const lines = [
    `Redis benchmark: ${dbsize} keys, RDB ${(result.data.rdb_bytes / 1e6).toFixed(1)} MB, best of ${runs} (load average ${load.map((l) => l.toFixed(1)).join(' → ')} on ${cpus().length} CPUs)`,
    row('redis-cli --rdb (server defaults)', result.rdb.server_defaults.redis_cli.seconds, `${result.rdb.server_defaults.redis_cli.mb_per_s.toFixed(1)} MB/s`),
    row('strata rdb, none (server defaults: disk path)', result.rdb.server_defaults.strata.seconds, `${result.rdb.server_defaults.strata.mb_per_s.toFixed(1)} MB/s`),
    row('redis-cli --rdb (delay 0)', result.rdb.delay_0.redis_cli.seconds, `${result.rdb.delay_0.redis_cli.mb_per_s.toFixed(1)} MB/s`),
    row('strata rdb, none (delay 0: diskless)', result.rdb.delay_0.strata.seconds, `${result.rdb.delay_0.strata.mb_per_s.toFixed(1)} MB/s`),
    row('  the same, process wall (+ Node start-up)', result.rdb.delay_0.strata.process_wall.best, `start-up ${result.rdb.delay_0.strata.startup_median_seconds.toFixed(2)} s`),
    row('strata rdb, zstd -3 + age (defaults)', zstdAge.seconds, `${result.rdb.strata_zstd_age.mb_per_s.toFixed(1)} MB/s`),
    row('strata logical backup', logical.seconds, `${Math.round(result.logical.backup.keys_per_s)} keys/s`),
    row('strata logical restore (fresh server)', logicalRestore.seconds, `${Math.round(result.logical.restore.keys_per_s)} keys/s`),
    row('strata rdb restore to a URL (scratch + copy)', rdbRestore.seconds, `${Math.round(result.rdb_restore_to_url.keys_per_s)} keys/s`),
    `ratio strata / redis-cli: ${result.rdb.server_defaults.ratio.toFixed(2)}× on server defaults, ${result.rdb.delay_0.ratio.toFixed(2)}× like for like (delay 0, best; median ${result.rdb.delay_0.ratio_median.toFixed(2)}×; target ≥ 0.9)`,
    `end to end (process wall, incl. Strata's start-up): ${result.rdb.delay_0.ratio_process_wall.toFixed(2)}× best, ${result.rdb.delay_0.ratio_process_wall_median.toFixed(2)}× median`,
    `strata peak RSS: ${result.strata_peak_rss_mb.toFixed(0)} MB (target ≤ 200); per run: ${result.strata_rss_mb_per_run.join(', ')} MB`,
    `spread (s): strata defaults ${result.rdb.server_defaults.strata.spread.min.toFixed(2)}–${result.rdb.server_defaults.strata.spread.max.toFixed(2)}, cli delay 0 ${result.rdb.delay_0.redis_cli.spread.min.toFixed(2)}–${result.rdb.delay_0.redis_cli.spread.max.toFixed(2)}, strata delay 0 ${result.rdb.delay_0.strata.spread.min.toFixed(2)}–${result.rdb.delay_0.strata.spread.max.toFixed(2)} (median cli ${result.rdb.delay_0.redis_cli.median_seconds.toFixed(2)}, strata ${result.rdb.delay_0.strata.median_seconds.toFixed(2)}; strata CPU ${result.rdb.delay_0.strata.cpu_median_seconds.toFixed(2)} s)`,
  ];
  if (logicalRestored !== dbsize || rdbRestored !== dbsize) lines.push(`WARNING: restored ${logicalRestored} (logical) and ${rdbRestored} (rdb) keys of ${dbsize}`);
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  for (const server of servers) await server.stop();
  removeBundle();
}
