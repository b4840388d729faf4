import type { Command } from 'commander';
import { breakLock } from '../../state/lock.js';
import { resolveStateDir } from '../../state/state-dir.js';
import type { Io } from '../io.js';

export function registerUnlock(program: Command, io: Io): void {
  program
    .command('unlock')
    .argument('<system>', 'system whose lock to break')
    .option('--state-dir <dir>', 'state directory (default: $STRATA_STATE_DIR)')
    .description('break the lock of a system, after making sure no strata run is active for it')
    .action(async (system: string, options: { stateDir?: string }) => {
      const holder = await breakLock(resolveStateDir(options.stateDir), system);
      io.err(holder ? `Broke the lock of ${system} held by ${holder.owner}@${holder.host} pid ${holder.pid} since ${holder.acquired_at}.` : `${system} was not locked.`);
    });
}
