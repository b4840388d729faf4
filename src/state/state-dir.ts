// Where Strata keeps locks, run history and verification evidence.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveStateDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.STRATA_STATE_DIR) return resolve(env.STRATA_STATE_DIR);
  if (process.getuid?.() === 0) return '/var/lib/strata';
  return join(env.XDG_STATE_HOME || join(homedir(), '.local', 'state'), 'strata');
}
