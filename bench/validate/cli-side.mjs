// One Strata CLI command in this process (dist/cli/main.js), timed without Node's start-up, with its own peak
// RSS. Prints one JSON line: { ms, cpuMs, maxRssMb, code, outBytes }. Output of the command itself is counted, not kept.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { main } = await import(join(repo, 'dist', 'cli', 'main.js'));
let outBytes = 0;
const io = {
  out: (t) => (outBytes += t.length),
  err: (t) => (outBytes += t.length),
  color: false,
  interactive: false,
  exitCode: 0,
};
const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
const code = await main(['node', 'strata', ...process.argv.slice(2)], io);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
// CPU time (user + system, this process and its threads, e.g. the garbage collector's) is what a busy
// machine inflates least: wall-clock time also counts waiting for a core.
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, maxRssMb: process.resourceUsage().maxRSS / 1024, code, outBytes }) + '\n');
