// The scratch redis-server of a restore test whose Strata process was killed keeps running (a child is
// not killed with its parent). Its pid, port and directory are journaled; a later run stops it, but
// only after /proc confirms that pid is still that server: a recycled pid is never signalled. redis-server
// rewrites its title to `redis-server 127.0.0.1:PORT`, and its working directory is the `dir` it was given.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { isProcessAlive } from '../../exec/process-alive.js';
import type { ScratchHandle } from '../engine.js';
import type { ScratchServer } from './scratch-server.js';

export function scratchServerHandle(server: ScratchServer): ScratchHandle | undefined {
  if (server.pid === undefined) return undefined;
  return {
    description: `scratch redis-server (pid ${server.pid}, 127.0.0.1:${server.port})`,
    data: { pid: String(server.pid), port: String(server.port), dir: server.dir },
  };
}

interface ProcessView {
  title: string;
  cwd: string;
}

/** A live process's title and working directory, or undefined when there is none (or no /proc to ask). */
async function viewOf(pid: number): Promise<ProcessView | undefined> {
  try {
    const title = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((part) => part !== '').join(' ');
    return { title, cwd: await readlink(`/proc/${pid}/cwd`) };
  } catch {
    return undefined;
  }
}

/** Whether a process is a redis-server running in `dir` (and on `port`, when given). */
export function isScratchServer(view: ProcessView, port: string | undefined, dir: string): boolean {
  return /(^|\/)redis-server\b/.test(view.title) && (port === undefined || view.title.includes(`:${port}`)) && view.cwd === dir;
}

async function terminate(pid: number, waitMs: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + waitMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
}

export async function stopScratchLeftover(handle: ScratchHandle, waitMs = 10_000): Promise<void> {
  const pid = Number(handle.data.pid);
  const { port, dir } = handle.data;
  if (!Number.isInteger(pid) || pid <= 1 || !port || !dir) throw new Error(`not a scratch redis-server handle: ${JSON.stringify(handle.data)}`);
  const view = await viewOf(pid);
  if (view && isScratchServer(view, port, dir)) await terminate(pid, waitMs);
}

/** Stop every redis-server of this user running in `dir` (an orphaned restore's RDB loader). */
export async function stopScratchServersIn(dir: string, waitMs = 10_000): Promise<void> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((name) => /^\d+$/.test(name)).map(Number);
  for (const pid of pids) {
    const view = await viewOf(pid);
    if (view && isScratchServer(view, undefined, dir)) await terminate(pid, waitMs);
  }
}
