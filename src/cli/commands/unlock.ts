import type { Command } from 'commander';
import { breakLock, LockHeldError, type LockState } from '../../state/lock.js';
import { resolveStateDir } from '../../state/state-dir.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';

const SYSTEM_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const RISK = 'two runs may then write the same tier at once (interleaved uploads, and one run pruning or verifying what the other is writing)';

function refusal(error: LockHeldError, system: string): CliError {
  const { verdict, holder } = error.state;
  if (verdict === 'valid-elsewhere') {
    return new CliError(
      `${error.message}; refusing to break it: this host cannot check whether pid ${holder?.pid} still runs on ${holder?.host}, and its TTL has not expired`,
      EXIT.LOCKED,
      `check on ${holder?.host} (\`ps -p ${holder?.pid}\`); after ${holder?.expires_at} \`strata unlock ${system}\` breaks it; ` +
        `\`strata unlock ${system} --force\` breaks it now, and if that run is still active, ${RISK}`,
    );
  }
  return new CliError(
    `${error.message}; refusing to break the lock of a live run`,
    EXIT.LOCKED,
    `wait for it to finish, or end it (\`kill ${holder?.pid ?? 'PID'}\`) and run \`strata unlock ${system}\` again; ` +
      `\`strata unlock ${system} --force\` breaks the lock anyway: that run keeps going (or resumes, if stopped), and ${RISK}`,
  );
}

function brokenMessage(state: LockState, system: string): string {
  const h = state.holder;
  const held = h ? `held by ${h.owner}@${h.host} pid ${h.pid} (\`${h.command}\`) since ${h.acquired_at}` : `(${state.recordPath})`;
  switch (state.verdict) {
    case 'dead':
      return `Broke the lock of ${system} ${held}: ${state.process?.reusedPid ? `pid ${h?.pid} now names a process started after the lock was taken, so its owner is gone` : 'that process is gone'}.`;
    case 'expired-elsewhere':
      return (
        `Broke the lock of ${system} ${held}. Its TTL expired at ${h?.expires_at}. This host cannot check whether pid ${h?.pid} ` +
        `still runs on ${h?.host}: if it does, ${RISK}.`
      );
    case 'unreadable':
      return `Removed the unreadable lock record of ${system} ${held}; no process on this host held the lock.`;
    case 'valid-elsewhere':
      return `warning: broke the lock of ${system} ${held} with --force, before its TTL expired (${h?.expires_at}) and without being able to check ${h?.host}: if that run is still active, ${RISK}.`;
    default:
      return (
        `warning: --force broke the lock of a live run of ${system} ${held}${state.process?.state === 'stopped' ? ' (it is stopped)' : ''}. ` +
        `That run keeps going (or resumes, if stopped), and the next run starts beside it: ${RISK}. End it (\`kill ${h?.pid ?? 'PID'}\`) unless you know it will never write again.`
      );
  }
}

export function registerUnlock(program: Command, io: Io): void {
  program
    .command('unlock')
    .argument('<system>', 'system whose lock to break')
    .option('--state-dir <dir>', 'state directory (default: $STRATA_STATE_DIR)')
    .option('--force', 'break the lock even of a run that is alive (or, on another host, within its TTL): two runs may then write the same tier at once')
    .description('break the lock of a system, after making sure no strata run is active for it (exit 75 if one is)')
    .action(async (system: string, options: { stateDir?: string; force?: boolean }) => {
      if (!SYSTEM_NAME.test(system)) throw new CliError(`${JSON.stringify(system)} is not a system name`, EXIT.ERROR, 'use the `system:` of a policy, such as sketchy-chain');
      let state: LockState | undefined;
      try {
        state = await breakLock(resolveStateDir(options.stateDir), system, { force: options.force });
      } catch (error) {
        if (error instanceof LockHeldError) throw refusal(error, system);
        throw error;
      }
      io.err(state ? brokenMessage(state, system) : `${system} was not locked.`);
    });
}
