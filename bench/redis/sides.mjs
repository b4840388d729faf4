// The two sides of the Redis benchmarks: Strata (an esbuild bundle run in a child process, see
// strata-side.mjs) and redis-cli, each timed from spawn to exit. `prefix` runs either under another
// command (taskset in contention.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

/**
 * An ESM bundle of the Strata entry points: independent of dist/ and of type errors elsewhere in the
 * tree. Split at dynamic imports, so engines load on first use as in the CLI (not the MongoDB driver
 * at start-up).
 */
export function buildStrataBundle(dir) {
  rmSync(dir, { recursive: true, force: true });
  execFileSync(join(repo, 'node_modules', '.bin', 'esbuild'), [join(here, 'entry.ts'), '--bundle', '--splitting', '--platform=node', '--format=esm', '--packages=external', `--outdir=${dir}`, '--log-level=warning'], {
    cwd: repo,
    stdio: 'inherit',
  });
  return { bundle: join(dir, 'entry.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One strata-side.mjs run: its JSON line plus the process wall time (`wall_seconds`). */
export function runStrata(bundle, argv, prefix = []) {
  const command = [...prefix, process.execPath, join(here, 'strata-side.mjs'), ...argv];
  const started = process.hrtime.bigint();
  const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', env: { ...process.env, STRATA_BENCH_BUNDLE: bundle }, maxBuffer: 1 << 24 });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`strata side failed: ${result.stderr}`);
  return { ...JSON.parse(result.stdout.trim().split('\n').pop()), wall_seconds: wall };
}

/** `redis-cli --rdb FILE`, timed from spawn to exit (its start, the transfer, its fsync). */
export function runRedisCli(port, file, prefix = []) {
  rmSync(file, { force: true });
  const command = [...prefix, 'redis-cli', '-p', String(port), '--rdb', file];
  const started = process.hrtime.bigint();
  execFileSync(command[0], command.slice(1), { stdio: 'ignore' });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes: statSync(file).size };
}
