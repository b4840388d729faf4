// What other processes can see of Strata's children: their argv (/proc/<pid>/cmdline, world-readable) and
// their environment (/proc/<pid>/environ, owner-only). Used to prove the password is on neither.
import { readdir, readFile } from 'node:fs/promises';

export interface SeenProcess {
  pid: number;
  argv: string[];
  env: string[];
}

/** Processes whose environment says PGAPPNAME=strata (the engine's libpq clients). */
export async function strataClientProcesses(): Promise<SeenProcess[]> {
  const seen: SeenProcess[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = (await readFile(`/proc/${name}/environ`, 'utf8')).split('\0');
      if (!env.includes('PGAPPNAME=strata')) continue;
      const argv = (await readFile(`/proc/${name}/cmdline`, 'utf8')).split('\0').filter(Boolean);
      seen.push({ pid: Number(name), argv, env });
    } catch {
      // gone, or not ours
    }
  }
  return seen;
}
