// Hold every system's lock for the duration of fn; a held lock becomes exit code 75 with a clear message.
// --break-lock (breakLock) breaks only a stale lock: another host's whose TTL expired, or an unreadable record.
// A dead owner's lock on this host is taken over without it; a live run's lock never is (`unlock --force`).
import { acquireLock, LockHeldError, type Lock } from '../state/lock.js';
import { CliError, EXIT } from './exit-codes.js';

export const DEFAULT_LOCK_TTL_MS = 6 * 60 * 60 * 1000;

export async function withLocks<T>(
  stateDir: string,
  systems: readonly string[],
  opts: { command: string; ttlMs?: number; breakLock?: boolean; warn: (line: string) => void },
  fn: () => Promise<T>,
): Promise<T> {
  const held: Lock[] = [];
  try {
    for (const system of [...systems].sort()) {
      held.push(
        await acquireLock(stateDir, system, {
          command: opts.command,
          ttlMs: opts.ttlMs ?? DEFAULT_LOCK_TTL_MS,
          breakStale: opts.breakLock,
          onBrokenLock: (h, verdict) =>
            opts.warn(
              verdict === 'unreadable'
                ? `warning: removed the unreadable lock record of ${system} (--break-lock)`
                : `warning: broke the stale lock of ${system} held by ${h.owner}@${h.host} pid ${h.pid} since ${h.acquired_at} (\`${h.command}\`): ` +
                    (verdict === 'dead' ? 'that process is gone' : `its TTL expired at ${h.expires_at} (--break-lock); ${h.host} cannot be checked from here`),
            ),
        }),
      );
    }
    return await fn();
  } catch (error) {
    if (error instanceof LockHeldError) throw new CliError(error.message, EXIT.LOCKED, error.hint);
    throw error;
  } finally {
    for (const lock of held.reverse()) await lock.release();
  }
}
