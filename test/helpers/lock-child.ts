// Child process for the lock tests: the lock path a `strata run` takes (withLocks), in its own process.
// Usage: node --import tsx test/helpers/lock-child.ts '<json { stateDir, system, barrier?, ttlMs?, command? }>'
// With `barrier`, prints `ready` and waits for a line on stdin (so that racers start together). Then takes the
// lock: on success it prints `acquired <pid>` and holds it until its stdin ends; a held lock exits 75 with
// the CLI's message.
import { CliError } from '../../src/cli/exit-codes.js';
import { withLocks } from '../../src/cli/with-locks.js';

const { stateDir, system, barrier, ttlMs, command } = JSON.parse(process.argv[2] ?? '{}') as {
  stateDir: string;
  system: string;
  barrier?: boolean;
  ttlMs?: number;
  command?: string;
};

const go = new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
const stdinEnded = new Promise<void>((resolve) => {
  process.stdin.on('end', resolve).on('close', resolve).resume();
});
if (barrier) {
  process.stdout.write('ready\n');
  await go;
}
try {
  await withLocks(stateDir, [system], { command: command ?? 'strata run lock-child', ttlMs, warn: (line) => process.stderr.write(`${line}\n`) }, async () => {
    process.stdout.write(`acquired ${process.pid}\n`);
    await stdinEnded;
  });
} catch (error) {
  if (!(error instanceof CliError)) throw error;
  process.stderr.write(`Error: ${error.message}\n${error.hint ? `  hint: ${error.hint}\n` : ''}`);
  process.exitCode = error.exitCode;
} finally {
  process.stdin.destroy(); // a loser does not wait for its stdin to end
}
