// A kernel lock (flock(2)) on a file, held for as long as this process lives, released by the kernel when it
// dies (even by SIGKILL), so it never goes stale, and taken atomically, so two runs can never both win it.
//
// Node 20 has no flock API. The lock is held by a child `flock --no-fork FILE cat` from util-linux: flock
// takes the lock and execs cat, which keeps the locked descriptor open until its stdin (a pipe from us)
// reaches end of file, which happens when we close our end (release) or when we die, however we die. The
// handshake: we write one byte, cat echoes it once the lock is held; a conflict exits 75 instead.
//
// Why a child process rather than the alternatives (measured on the 2-core CI machine under load, 20 takes):
//  - `flock` child via src/exec/exec.ts: 14-30 ms per run (median 30 ms at load 3.7); `flock` ships in
//    util-linux, which every Debian/Ubuntu/RHEL host has (Essential), and `lslocks` shows the lock to humans.
//  - the fs-ext native addon: 0.15 ms, but it needs node-gyp, python and a C++ compiler on every host that
//    installs Strata (npm 11 also holds back its install script until approved), for a one-maintainer addon;
//    30 ms against a backup that takes seconds to hours is not worth that upkeep.
//  - an abstract Unix socket as the lock: ~0 ms, but it is keyed by a name in a network namespace, not by
//    the file, so two containers sharing the state dir would not exclude each other.
import { once } from 'node:events';
import { ExecError, spawnStream, type StreamingProcess } from '../exec/exec.js';

/** flock's exit code on a conflict; chosen to match Strata's "locked" exit code. */
const CONFLICT = 75;

export interface KernelLock {
  /** The pid of the process that holds the lock (flock, then cat: the same process). */
  readonly pid: number | undefined;
  release(): Promise<void>;
}

/**
 * Take an exclusive flock on `path` (created if missing). Resolves to the lock, or to 'held' when another
 * process holds it (after waiting up to `waitMs`, default: not at all).
 */
export async function takeKernelLock(path: string, opts: { waitMs?: number } = {}): Promise<KernelLock | 'held'> {
  const wait = opts.waitMs ? ['--timeout', String(opts.waitMs / 1000)] : ['--nonblock'];
  const child = spawnStream('flock', ['--exclusive', ...wait, '--no-fork', '--conflict-exit-code', String(CONFLICT), path, 'cat']);
  const exited = child.done.then(
    () => 'exited' as const,
    (error: unknown) => error,
  );
  child.stdin.on('error', () => undefined); // EPIPE when flock exits before reading the handshake byte
  child.stdin.write('.');
  const echoed = once(child.stdout, 'data').then(() => 'locked' as const, () => 'exited' as const);
  const first = await Promise.race([echoed, exited]);
  if (first === 'locked') return holding(child);
  const outcome = await exited;
  if (outcome instanceof ExecError && outcome.exitCode === CONFLICT) return 'held';
  throw new Error(
    `could not take the kernel lock on ${path}: ${outcome instanceof Error ? outcome.message : 'flock exited without locking'}` +
      ' (Strata needs `flock` from util-linux, and a state directory on a file system that supports flock)',
  );
}

function holding(child: StreamingProcess): KernelLock {
  child.stdout.resume();
  let released: Promise<void> | undefined;
  return {
    pid: child.pid,
    release: () => {
      // Closing our end of the pipe ends cat, and with it the lock. Its exit status does not matter.
      released ??= (child.stdin.end(), child.done.catch(() => undefined));
      return released;
    },
  };
}
