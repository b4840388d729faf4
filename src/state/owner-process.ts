// What this host can tell about the process named in a lock record: is it still that process, what is it
// running, is it stopped. Read from /proc (Linux); elsewhere only kill(pid, 0) answers.
import { readFileSync } from 'node:fs';
import { isProcessAlive } from '../exec/process-alive.js';

export interface OwnerProcess {
  /** The pid names a live process that started no later than the lock was taken (not a reused pid). */
  alive: boolean;
  /** Its command line as the kernel reports it, when readable. */
  commandLine?: string;
  /** 'stopped' for SIGSTOP (or a debugger), as a hung run can look; 'running' otherwise. */
  state?: 'running' | 'stopped' | 'uninterruptible';
  /** Why a live pid was not taken for the lock's owner. */
  reusedPid?: boolean;
}

// The kernel reports start times in USER_HZ ticks, which is 100 on every architecture Node runs on.
const USER_HZ = 100;
// btime is whole seconds and shifts a little with clock adjustments; a real owner starts before it locks.
const START_SLACK_MS = 2_000;

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function bootTimeMs(): number | undefined {
  const line = readProc('/proc/stat')?.split('\n').find((l) => l.startsWith('btime '));
  return line ? Number(line.slice(6)) * 1000 : undefined;
}

/** Inspect `pid` on this host, as the owner of a lock taken at `lockedAt`. */
export function inspectOwnerProcess(pid: number, lockedAt: Date): OwnerProcess {
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return { alive: false };
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return { alive: true }; // no /proc (or it just exited): trust kill(pid, 0)
  // Fields after the command name, which is in parentheses and may itself contain spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const code = fields[0];
  if (code === 'Z' || code === 'X') return { alive: false }; // a zombie holds no files and no locks
  const boot = bootTimeMs();
  const startedAt = boot !== undefined ? boot + (Number(fields[19]) / USER_HZ) * 1000 : undefined;
  if (startedAt !== undefined && startedAt > lockedAt.getTime() + START_SLACK_MS) return { alive: false, reusedPid: true };
  const commandLine = readProc(`/proc/${pid}/cmdline`)?.split('\0').filter(Boolean).join(' ');
  const state = code === 'T' || code === 't' ? 'stopped' : code === 'D' ? 'uninterruptible' : 'running';
  return { alive: true, state, ...(commandLine ? { commandLine } : {}) };
}
