// Crash tests: run a backup in a child process and SIGKILL it once `progress()` reports at least `atBytes`
// written (mid-transfer, not at the start), like an OOM kill or a power cut would.
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Storage } from '../../src/storage/storage.js';

export interface KilledRun {
  /** How the child ended: 'SIGKILL' when it was killed, else its exit code. */
  ended: NodeJS.Signals | number | null;
  /** What progress() reported when the child was killed (0: it never got that far). */
  killedAt: number;
  output: string;
}

export async function killMidBackup(
  args: string[],
  opts: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    progress: () => Promise<number>;
    atBytes: number;
    /** Checks while the backup is provably running (e.g. its session is on the server), just before the kill. */
    beforeKill?: () => Promise<void>;
    pollMs?: number;
    timeoutMs?: number;
  },
): Promise<KilledRun> {
  const child = spawn(process.execPath, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let killedAt = 0;
  while (Date.now() < deadline && child.exitCode === null) {
    const size = await opts.progress();
    if (size >= opts.atBytes) {
      try {
        await opts.beforeKill?.();
      } finally {
        child.kill('SIGKILL');
      }
      killedAt = size;
      break;
    }
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 10));
  }
  if (killedAt === 0 && child.exitCode === null) child.kill('SIGKILL');
  return { ended: await exited, killedAt, output };
}

/** Bytes in local-storage temp files under root: how far an uncommitted artifact has got. */
export async function tempBytes(root: string): Promise<number> {
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.includes('.tmp-')) total += await stat(path).then((s) => s.size, () => 0);
    }
  };
  await walk(root);
  return total;
}

/** Every key in a storage, debris included. */
export async function listAll(storage: Storage): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of storage.list('')) keys.push(object.key);
  return keys;
}
