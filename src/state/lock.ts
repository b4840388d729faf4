// One lock per system, shared by apply and scheduled runs. Two parts:
//  - a kernel lock (flock) on locks/<system>.flock, held for the run's lifetime and released by the kernel
//    when the run dies: on one host it decides who runs, atomically, and it never goes stale;
//  - the owner record locks/<system>.lock (owner, host, pid, command, TTL), for humans and for hosts that
//    share the state directory, where the TTL is all there is: an expired lock of another host is reported
//    as stale (never silently ignored, autorestic #16) and broken only on purpose.
// A live run's lock is never broken implicitly: not by another run, not by --break-lock, not by `unlock`
// without --force.
import { mkdir, rm } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { takeKernelLock, type KernelLock } from './kernel-lock.js';
import { createRecord, parseOwner, readRecordText, removeRecordIf, serializeOwner, type LockOwner } from './lock-record.js';
import { inspectOwnerProcess, type OwnerProcess } from './owner-process.js';

export type { LockOwner } from './lock-record.js';

/**
 * What can be said about a system's lock:
 * - 'free': no record, and no process holds the kernel lock;
 * - 'live': a run on this host holds it (the kernel lock is held, or the record's pid is alive);
 * - 'dead': the record names a process on this host that is gone (or a reused pid): safe to break;
 * - 'valid-elsewhere': the record names another host and its TTL has not expired; nothing more can be checked;
 * - 'expired-elsewhere': the record names another host and its TTL expired; whether it runs cannot be checked;
 * - 'unreadable': a record that is not a lock record, and no process holds the kernel lock.
 */
export type LockVerdict = 'free' | 'live' | 'dead' | 'valid-elsewhere' | 'expired-elsewhere' | 'unreadable';

export interface LockState {
  verdict: LockVerdict;
  holder?: LockOwner;
  /** The owner process as this host sees it, when the record names this host. */
  process?: OwnerProcess;
  kernelHeld: boolean;
  recordPath: string;
  kernelPath: string;
}

/** The kernel lock is held, but the record names no live process (none, or a dead one). */
function heldByUnnamed(state: LockState): boolean {
  return state.kernelHeld && (!state.holder || state.process?.alive === false);
}

function describeHolder(state: LockState, system: string): string {
  const h = state.holder;
  const proc = state.process;
  if (!h && !state.kernelHeld) return `system ${system} is locked by an owner record that cannot be read (${state.recordPath}); the lock looks stale`;
  if (!h || heldByUnnamed(state)) {
    return (
      `system ${system} is locked by a process on this host (it holds ${state.kernelPath}) that left no current owner record` +
      (h ? ` (${state.recordPath} names pid ${h.pid}, which is gone: a run that is starting or exiting)` : '')
    );
  }
  const seen = proc?.alive
    ? `; pid ${h.pid} is alive on this host${proc.state === 'stopped' ? ' but stopped (SIGSTOP or a debugger)' : ''}${proc.commandLine ? `, command line: ${proc.commandLine}` : ''}`
    : '';
  return (
    `system ${h.system} is locked by ${h.owner}@${h.host} pid ${h.pid} ` +
    `(\`${h.command}\`, since ${h.acquired_at}, expires ${h.expires_at})` +
    seen +
    (state.verdict === 'expired-elsewhere' ? `; the lock looks stale (its TTL expired; host ${h.host} cannot be checked from here)` : '')
  );
}

/** The record's owner, or a placeholder when there is no readable record. */
function holderOf(state: LockState, system: string): LockOwner {
  return state.holder ?? { system, owner: 'unknown', host: hostname(), pid: 0, command: 'unknown', acquired_at: '', expires_at: '' };
}

export class LockHeldError extends Error {
  readonly holder: LockOwner;
  readonly stale: boolean;
  readonly path: string;

  constructor(
    readonly state: LockState,
    readonly system: string,
  ) {
    super(describeHolder(state, system));
    this.name = 'LockHeldError';
    this.holder = holderOf(state, system);
    this.stale = state.verdict === 'expired-elsewhere' || state.verdict === 'unreadable';
    this.path = state.recordPath;
  }

  get hint(): string {
    const { verdict, process } = this.state;
    if (this.stale) {
      return `if no strata run is active for ${this.system}${verdict === 'expired-elsewhere' ? ` on ${this.holder.host}` : ''}, break the lock with \`strata unlock ${this.system}\` or pass --break-lock`;
    }
    const wait = 'another strata run is active; wait for it to finish (scheduled runs exit with code 75 and retry at their next slot)';
    if (verdict === 'live' && process?.state === 'stopped') {
      return `${wait}; it is stopped: resume it with \`kill -CONT ${this.holder.pid}\`, or end it with \`kill ${this.holder.pid}\``;
    }
    if (heldByUnnamed(this.state)) return `${wait}; \`lslocks\` names the process that holds ${this.state.kernelPath}`;
    return wait;
  }
}

export interface Lock {
  path: string;
  owner: LockOwner;
  release(): Promise<void>;
}

function lockPaths(stateDir: string, system: string): { recordPath: string; kernelPath: string } {
  return { recordPath: join(stateDir, 'locks', `${system}.lock`), kernelPath: join(stateDir, 'locks', `${system}.flock`) };
}

export async function readLock(stateDir: string, system: string): Promise<LockOwner | undefined> {
  const text = await readRecordText(lockPaths(stateDir, system).recordPath).catch(() => undefined);
  return text === undefined ? undefined : parseOwner(text);
}

export type Staleness = 'owner-gone' | 'expired' | undefined;

function ownerAlive(holder: LockOwner): boolean {
  return inspectOwnerProcess(holder.pid, new Date(holder.acquired_at)).alive;
}

/**
 * 'owner-gone': the owning process no longer exists on this very host (a killed run), so breaking the lock
 * is safe. 'expired': the TTL of another host's lock passed, but its owner may still be alive there; only a
 * human breaks that. The owner on this host is alive: not stale, whatever its TTL says (a slow run).
 */
export function lockStaleness(holder: LockOwner, now: Date, alive: (pid: number) => boolean = () => ownerAlive(holder)): Staleness {
  if (holder.host === hostname()) return alive(holder.pid) ? undefined : 'owner-gone';
  if (new Date(holder.expires_at).getTime() <= now.getTime()) return 'expired';
  return undefined;
}

function judge(paths: ReturnType<typeof lockPaths>, text: string | undefined, kernelHeld: boolean, now: Date): LockState {
  const holder = text === undefined ? undefined : parseOwner(text);
  const here = holder?.host === hostname();
  const proc = holder && here ? inspectOwnerProcess(holder.pid, new Date(holder.acquired_at)) : undefined;
  const base = { kernelHeld, ...paths, ...(holder ? { holder } : {}), ...(proc ? { process: proc } : {}) };
  if (kernelHeld || proc?.alive) return { verdict: 'live', ...base };
  if (text === undefined) return { verdict: 'free', ...base };
  if (!holder) return { verdict: 'unreadable', ...base };
  const staleness = lockStaleness(holder, now, () => false);
  return { verdict: staleness === 'owner-gone' ? 'dead' : staleness === 'expired' ? 'expired-elsewhere' : 'valid-elsewhere', ...base };
}

// How long to wait for a kernel lock whose holder looks gone: a run killed a moment ago leaves its flock
// child to notice end of file and exit, and a run that won a race is writing its record.
const SETTLE_MS = 2_000;

async function takeKernelLockOrJudge(paths: ReturnType<typeof lockPaths>, now: Date): Promise<KernelLock | LockState> {
  const first = await takeKernelLock(paths.kernelPath);
  if (first !== 'held') return first;
  const state = judge(paths, await readRecordText(paths.recordPath), true, now);
  if (state.process?.alive || (state.holder && state.holder.host !== hostname())) return state;
  const second = await takeKernelLock(paths.kernelPath, { waitMs: SETTLE_MS });
  return second !== 'held' ? second : judge(paths, await readRecordText(paths.recordPath), true, now);
}

export async function acquireLock(
  stateDir: string,
  system: string,
  opts: {
    command: string;
    ttlMs: number;
    /** Also break a stale lock of another host (expired TTL) or an unreadable record (--break-lock). */
    breakStale?: boolean;
    /** Called when a stale lock is broken: automatically when its owner died on this host, else on request. */
    onBrokenLock?: (holder: LockOwner, verdict: LockVerdict) => void;
    now?: () => Date;
  },
): Promise<Lock> {
  const paths = lockPaths(stateDir, system);
  await mkdir(join(stateDir, 'locks'), { recursive: true });
  const now = opts.now?.() ?? new Date();
  const owner: LockOwner = {
    system,
    owner: userInfo().username,
    host: hostname(),
    pid: process.pid,
    command: opts.command,
    acquired_at: now.toISOString(),
    expires_at: new Date(now.getTime() + opts.ttlMs).toISOString(),
  };
  const kernel = await takeKernelLockOrJudge(paths, now);
  if (!('release' in kernel)) throw new LockHeldError(kernel, system);
  try {
    // Holding the kernel lock, this is the only run on this host that can be here: check the record, break it
    // if it is stale, and write ours.
    let broken: LockState | undefined;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (await createRecord(paths.recordPath, owner)) {
        // Said once our record is in place, so that whoever reads it next finds the new owner.
        if (broken) opts.onBrokenLock?.(holderOf(broken, system), broken.verdict);
        const mine = serializeOwner(owner);
        return {
          path: paths.recordPath,
          owner,
          release: async () => {
            // Not ours any more only if someone ran `strata unlock --force` and another run took the lock.
            if ((await readRecordText(paths.recordPath).catch(() => undefined)) === mine) await rm(paths.recordPath, { force: true });
            await kernel.release();
          },
        };
      }
      const text = await readRecordText(paths.recordPath);
      if (text === undefined) continue;
      const state = judge(paths, text, false, now);
      const breakable = state.verdict === 'dead' || (opts.breakStale && (state.verdict === 'expired-elsewhere' || state.verdict === 'unreadable'));
      if (!breakable) throw new LockHeldError(state, system);
      if (await removeRecordIf(paths.recordPath, text)) broken = state;
    }
    throw new Error(`could not acquire the lock ${paths.recordPath}: its owner record keeps changing (another host is taking it?)`);
  } catch (error) {
    await kernel.release();
    throw error;
  }
}

/** Verdicts that only `--force` may break: a run that is (or, for all this host can tell, may be) active. */
function needsForce(verdict: LockVerdict): boolean {
  return verdict === 'live' || verdict === 'valid-elsewhere';
}

/**
 * Break a system's lock (`strata unlock`). Returns what was broken, or undefined when there was no lock.
 * Refuses with LockHeldError when a run is active (or may be, on another host, within its TTL) unless `force`.
 * Forced over a live run on this host, the kernel lock file is unlinked too: the live run keeps its lock on
 * the old file, and the next run locks a new one. Both may then write the same tier at once.
 */
export async function breakLock(stateDir: string, system: string, opts: { force?: boolean } = {}): Promise<LockState | undefined> {
  const paths = lockPaths(stateDir, system);
  await mkdir(join(stateDir, 'locks'), { recursive: true });
  const kernel = await takeKernelLock(paths.kernelPath);
  try {
    const text = await readRecordText(paths.recordPath);
    const state = judge(paths, text, kernel === 'held', new Date());
    if (state.verdict === 'free') return undefined;
    if (needsForce(state.verdict) && !opts.force) throw new LockHeldError(state, system);
    if (text !== undefined) await removeRecordIf(paths.recordPath, text);
    if (state.kernelHeld) await rm(paths.kernelPath, { force: true });
    return state;
  } finally {
    if (kernel !== 'held') await kernel.release();
  }
}
