// Validate benchmark: `strata validate` on policies of growing size (the demo policy plus N unused files
// sources, one warning each), then `validate` + an offline `plan` of a policy with many categories.
// Each command runs in a child process of its own (cli-side.mjs), so its time excludes Node's start-up and
// its peak RSS is its own. Prints a table with the time ratio between consecutive sizes: a linear
// implementation stays near the size ratio (2 for doubling sizes), a quadratic one near its square. CPU time
// is compared, not wall-clock time, which on a shared machine also counts the wait for a core.
// Writes JSON to bench/out/. See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoWithSources, writeManyCategories } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const sizes = option('--sizes', '4000,8000,16000,32000,83000').split(',').map(Number);
const categories = Number(option('--categories', '500'));
const runs = Number(option('--runs', '1'));
const log = (m) => process.stderr.write(`${m}\n`);

if (!flag('--no-build')) {
  log('building dist/ (npm run build)…');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (build.status !== 0) log(`warning: npm run build exited ${build.status}; using dist/ as emitted`);
}
if (!existsSync(join(repo, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npm run build');

const work = mkdtempSync(join(tmpdir(), 'strata-bench-validate-'));
/** Best of `runs` (CPU time), with the wall-clock time and peak RSS of that run. */
function cli(argv, env = {}) {
  let best;
  for (let r = 0; r < runs; r++) {
    const child = spawnSync(process.execPath, [join(here, 'cli-side.mjs'), ...argv], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, ...env },
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0 || !child.stdout.trim()) throw new Error(`${argv.join(' ')} failed: ${child.stderr}`);
    const result = JSON.parse(child.stdout.trim().split('\n').pop());
    if (!best || result.cpuMs < best.cpuMs) best = result;
  }
  return best;
}

const rows = [];
const demo = readFileSync(join(repo, 'policies', 'demo.yaml'), 'utf8');
log(`validate: demo.yaml + N unused sources, N = ${sizes.join(', ')} (best of ${runs})`);
for (const n of sizes) {
  const file = join(work, `demo-${n}.yaml`);
  writeFileSync(file, demoWithSources(demo, n));
  const r = cli(['validate', '--policies', file, '--format', 'text']);
  if (r.code !== 0) throw new Error(`validate of ${n} sources exited ${r.code}`);
  rows.push({ case: 'validate', n, bytes: statSync(file).size, ms: r.ms, cpuMs: r.cpuMs, maxRssMb: r.maxRssMb });
  log(`  N=${n}: ${r.ms.toFixed(0)} ms (CPU ${r.cpuMs.toFixed(0)} ms), ${r.maxRssMb.toFixed(0)} MB`);
}

log(`plan: ${categories} categories, local tiers and files sources (offline)`);
const planRoot = join(work, 'plan');
const planFile = writeManyCategories(planRoot, categories);
const stateEnv = { STRATA_STATE_DIR: join(planRoot, 'state') };
const v = cli(['validate', '--policies', planFile], stateEnv);
const p = cli(['plan', '--policies', planFile, '--json'], stateEnv);
if (v.code !== 0 || p.code !== 0) throw new Error(`validate/plan of ${categories} categories exited ${v.code}/${p.code}`);
const planRow = {
  case: 'validate+plan',
  n: categories,
  bytes: statSync(planFile).size,
  validateMs: v.ms,
  planMs: p.ms,
  ms: v.ms + p.ms,
  cpuMs: v.cpuMs + p.cpuMs,
  maxRssMb: Math.max(v.maxRssMb, p.maxRssMb),
};

const pad = (s, w) => String(s).padStart(w);
const lines = ['', `${pad('sources', 8)} ${pad('MB', 6)} ${pad('wall ms', 9)} ${pad('CPU ms', 9)} ${pad('RSS MB', 7)} ${pad('size×', 6)} ${pad('CPU×', 6)} ${pad('µs/src', 7)}`];
rows.forEach((r, i) => {
  const prev = rows[i - 1];
  const sizeRatio = prev ? (r.n / prev.n).toFixed(2) : '';
  r.cpuRatio = prev ? r.cpuMs / prev.cpuMs : undefined;
  const cpuRatio = prev ? r.cpuRatio.toFixed(2) : '';
  lines.push(
    `${pad(r.n, 8)} ${pad((r.bytes / 1e6).toFixed(2), 6)} ${pad(r.ms.toFixed(0), 9)} ${pad(r.cpuMs.toFixed(0), 9)} ${pad(r.maxRssMb.toFixed(0), 7)} ${pad(sizeRatio, 6)} ${pad(cpuRatio, 6)} ${pad(((r.cpuMs * 1000) / r.n).toFixed(0), 7)}`,
  );
});
lines.push(
  '',
  `validate + plan of ${categories} categories (${(planRow.bytes / 1e3).toFixed(0)} kB): validate ${v.ms.toFixed(0)} ms + plan ${p.ms.toFixed(0)} ms = ${planRow.ms.toFixed(0)} ms wall, ${planRow.cpuMs.toFixed(0)} ms CPU (target < 1000 ms), peak RSS ${planRow.maxRssMb.toFixed(0)} MB`,
  `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (other processes skew every figure); Node start-up not included`,
);
process.stdout.write(lines.join('\n') + '\n');

mkdirSync(join(repo, 'bench', 'out'), { recursive: true });
const outFile = join(repo, 'bench', 'out', `validate-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(outFile, JSON.stringify({ at: new Date().toISOString(), runs, loadavg: loadavg(), validate: rows, plan: planRow }, null, 2) + '\n');
log(`wrote ${outFile}`);
rmSync(work, { recursive: true, force: true });
