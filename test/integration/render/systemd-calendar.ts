// Runs `systemd-analyze calendar` and parses its elapse times (UTC), for comparing OnCalendar specs with cron.
import { runCommand } from '../../../src/exec/exec.js';

const ELAPSE = /^\s*(Next elapse|Iter\. #\d+|\(in UTC\)):\s+(?:\w{3} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) (\S+)|never)\s*$/;

/** Parses "Next elapse:"/"Iter. #N:" lines, preferring the "(in UTC):" line that follows a non-UTC one. */
export function parseElapses(stdout: string): Date[] {
  const times: Date[] = [];
  let pending: { when: string; zone: string } | undefined;
  const flush = (): void => {
    if (!pending) return;
    if (pending.zone !== 'UTC') throw new Error(`elapse in ${pending.zone} without an "(in UTC)" line`);
    times.push(new Date(`${pending.when.replace(' ', 'T')}Z`));
    pending = undefined;
  };
  for (const line of stdout.split('\n')) {
    const m = ELAPSE.exec(line);
    if (!m) continue;
    const [, label, when, zone] = m;
    if (when === undefined || zone === undefined) continue; // "never"
    if (label === '(in UTC)') {
      pending = { when, zone };
      flush();
    } else {
      flush();
      pending = { when, zone };
    }
  }
  flush();
  return times;
}

/** Next `iterations` elapses of a spec after `base`, as systemd computes them. */
export async function systemdElapses(bin: string, spec: string, base: Date, iterations: number): Promise<Date[]> {
  const { stdout } = await runCommand(
    bin,
    ['calendar', `--iterations=${iterations}`, `--base-time=@${Math.floor(base.getTime() / 1000)}`, spec],
    { env: { TZ: 'UTC', SYSTEMD_COLORS: '0', SYSTEMD_PAGER: '' } },
  );
  return parseElapses(stdout);
}
