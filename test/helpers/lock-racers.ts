// Lock tests in child processes (test/helpers/lock-child.ts): start racers together, see who won.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { LockOwner } from '../../src/state/lock.js';

const child = join(import.meta.dirname, 'lock-child.ts');

/** A pid above Linux's largest pid_max (2^22): no process can have it. */
export const DEAD_PID = 2 ** 22 + 12_345;

export interface LockChild {
  process: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves when the child printed `ready` (racers) or `acquired`, or exited. */
  ready: Promise<void>;
  /** Resolves to true once the child holds the lock, false if it exited without it. */
  acquired: Promise<boolean>;
  /** Exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals | null>;
}

export interface LockChildOptions {
  stateDir: string;
  system: string;
  ttlMs?: number;
  command?: string;
  /** Print `ready` and wait for a line on stdin before taking the lock. */
  barrier?: boolean;
}

export function spawnLockChild(options: LockChildOptions): LockChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const result: LockChild = { process: proc, stdout: '', stderr: '' } as LockChild;
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => proc.on('exit', (code, signal) => resolve(signal ?? code)));
  const seen = (word: string) =>
    new Promise<boolean>((resolve) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        result.stdout += chunk.toString();
        if (result.stdout.includes(word)) resolve(true);
      });
      void exited.then(() => resolve(false));
    });
  proc.stderr.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  result.exited = exited;
  result.acquired = seen('acquired');
  result.ready = seen(options.barrier ? 'ready' : 'acquired').then(() => undefined);
  return result;
}

/** Start `count` racers for the lock together: every one has loaded its code before any of them starts. */
export async function raceForLock(count: number, options: Omit<LockChildOptions, 'barrier'>): Promise<LockChild[]> {
  const racers = Array.from({ length: count }, () => spawnLockChild({ ...options, barrier: true }));
  await Promise.all(racers.map((r) => r.ready));
  for (const racer of racers) racer.process.stdin?.write('go\n');
  // Everyone has either taken the lock or exited without it once the losers are gone.
  await Promise.all(racers.map((r) => Promise.race([r.acquired.then((won) => (won ? undefined : r.exited)), r.exited])));
  return racers;
}

/** End every child that still holds the lock and wait for it. */
export async function releaseAll(children: readonly LockChild[]): Promise<void> {
  for (const c of children) c.process.stdin?.end();
  await Promise.all(children.map((c) => c.exited));
}

/** A lock record left by a run of this host that died (the kernel lock is not held). */
export async function plantDeadOwner(stateDir: string, system: string, overrides: Partial<LockOwner> = {}): Promise<void> {
  await mkdir(join(stateDir, 'locks'), { recursive: true });
  const owner: LockOwner = {
    system, owner: 'backup', host: hostname(), pid: DEAD_PID, command: `strata run ${system}/gone --job backup`,
    acquired_at: new Date(Date.now() - 60_000).toISOString(), expires_at: new Date(Date.now() + 3_600_000).toISOString(), ...overrides,
  };
  await writeFile(join(stateDir, 'locks', `${system}.lock`), JSON.stringify(owner, null, 2) + '\n');
}
