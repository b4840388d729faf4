// One lock per system, shared by apply and scheduled runs. It records its owner and a TTL so that a
// stale lock is reported (never silently ignored, autorestic #16) and can be broken on purpose.
import { hostname, userInfo } from 'node:os';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isProcessAlive } from '../exec/process-alive.js';

export interface LockOwner {
  system: string;
  owner: string;
  host: string;
  pid: number;
  command: string;
  acquired_at: string;
  expires_at: string;
}

export class LockHeldError extends Error {
  constructor(
    readonly holder: LockOwner,
    readonly stale: boolean,
    readonly path: string,
  ) {
    super(
      `system ${holder.system} is locked by ${holder.owner}@${holder.host} pid ${holder.pid} ` +
        `(\`${holder.command}\`, since ${holder.acquired_at}, expires ${holder.expires_at})` +
        (stale ? '; the lock looks stale' : ''),
    );
    this.name = 'LockHeldError';
  }

  get hint(): string {
    return this.stale
      ? `if no strata run is active for ${this.holder.system}, break the lock with \`strata unlock ${this.holder.system}\` or pass --break-lock`
      : 'another strata run is active; wait for it to finish (scheduled runs exit with code 75 and retry at their next slot)';
  }
}

export interface Lock {
  path: string;
  owner: LockOwner;
  release(): Promise<void>;
}

function lockPath(stateDir: string, system: string): string {
  return join(stateDir, 'locks', `${system}.lock`);
}

export async function readLock(stateDir: string, system: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(lockPath(stateDir, system), 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

export type Staleness = 'owner-gone' | 'expired' | undefined;

/**
 * 'owner-gone': the owning process no longer exists on this very host (a killed run), so breaking the lock
 * is safe. 'expired': the TTL passed, but the owner may still be alive elsewhere; only a human breaks that.
 */
export function lockStaleness(holder: LockOwner, now: Date, alive: (pid: number) => boolean = isProcessAlive): Staleness {
  if (holder.host === hostname() && !alive(holder.pid)) return 'owner-gone';
  if (new Date(holder.expires_at).getTime() <= now.getTime()) return 'expired';
  return undefined;
}

export async function acquireLock(
  stateDir: string,
  system: string,
  opts: {
    command: string;
    ttlMs: number;
    /** Break any stale lock (--break-lock). */
    breakStale?: boolean;
    /** Called when a lock whose owner died on this host is broken automatically. */
    onBrokenLock?: (holder: LockOwner) => void;
    now?: () => Date;
  },
): Promise<Lock> {
  const path = lockPath(stateDir, system);
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
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const handle = await open(path, 'wx', 0o644);
      await handle.writeFile(JSON.stringify(owner, null, 2) + '\n');
      await handle.sync();
      await handle.close();
      return { path, owner, release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = await readLock(stateDir, system);
      if (!holder) {
        // Unreadable lock file: a crash between open and write. Treat like a stale lock.
        if (opts.breakStale) { await rm(path, { force: true }); continue; }
        throw new LockHeldError({ ...owner, owner: 'unknown', pid: 0, command: 'unknown' }, true, path);
      }
      const staleness = lockStaleness(holder, now);
      if (staleness === 'owner-gone' || (staleness && opts.breakStale)) {
        opts.onBrokenLock?.(holder);
        await rm(path, { force: true });
        continue;
      }
      throw new LockHeldError(holder, staleness !== undefined, path);
    }
  }
  throw new Error(`could not acquire the lock ${path}`);
}

export async function breakLock(stateDir: string, system: string): Promise<LockOwner | undefined> {
  const holder = await readLock(stateDir, system);
  await rm(lockPath(stateDir, system), { force: true });
  return holder;
}
