// Runs that race for a system's lock, in real processes (the lock path of `strata run`, test/helpers/lock-child.ts):
// exactly one wins, also when they race to take over a dead run's lock, and a SIGKILLed winner leaves nothing
// that blocks the next run. The kernel lock is util-linux `flock`, the real binary.
import { expect, it } from 'vitest';
import { acquireLock, readLock, type LockOwner } from '../../../src/state/lock.js';
import { DEAD_PID, plantDeadOwner, raceForLock, releaseAll, spawnLockChild, type LockChild } from '../../helpers/lock-racers.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const RACERS = 8;
const ROUNDS = 3;

async function winnerOf(racers: readonly LockChild[]): Promise<LockChild[]> {
  const results = await Promise.all(racers.map((r) => Promise.race([r.acquired, r.exited.then(() => false)])));
  return racers.filter((_, i) => results[i]);
}

/** Every loser exited 75 naming the winner's pid; the take-over was announced once. */
async function expectOneWinner(racers: readonly LockChild[]): Promise<LockChild> {
  const winners = await winnerOf(racers);
  expect(winners.map((w) => w.process.pid), 'racers that took the lock').toHaveLength(1);
  const winner = winners[0]!;
  for (const loser of racers.filter((r) => r !== winner)) {
    expect(await loser.exited, loser.stderr).toBe(75);
    expect(loser.stderr).toMatch(new RegExp(`locked by \\S+ pid ${winner.process.pid} \\(\`strata run lock-child\``));
  }
  return winner;
}

describeWithBinaries(['flock'], 'the lock under concurrent runs', () => {
  it(`lets exactly one of ${RACERS} racing runs take over a dead run's lock (${ROUNDS} rounds); the others exit 75 naming it`, async () => {
    const stateDir = await makeTempDir('strata-lock-race-');
    for (let round = 0; round < ROUNDS; round += 1) {
      await plantDeadOwner(stateDir, 'racy');
      const racers = await raceForLock(RACERS, { stateDir, system: 'racy' });
      try {
        const broke = racers.filter((r) => r.stderr.includes('broke the stale lock'));
        expect(broke.map((r) => r.process.pid), `round ${round}: runs that broke the stale lock`).toHaveLength(1);
        expect(broke[0]!.stderr).toContain(`pid ${DEAD_PID}`);
        const winner = await expectOneWinner(racers);
        expect(winner).toBe(broke[0]);
        expect((await readLock(stateDir, 'racy'))?.pid).toBe(winner.process.pid);
      } finally {
        await releaseAll(racers);
      }
      expect(await readLock(stateDir, 'racy'), 'the winner removed its record on release').toBeUndefined();
    }
  }, 240_000);

  it('takes over cleanly after the holder is SIGKILLed, at once and in a race', async () => {
    const stateDir = await makeTempDir('strata-lock-kill-');
    const victim = spawnLockChild({ stateDir, system: 'racy' });
    expect(await victim.acquired, victim.stderr).toBe(true);
    const victimPid = victim.process.pid!;
    victim.process.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    // Its record stays (for humans); its kernel lock went with it. The next run takes over straight away.
    expect((await readLock(stateDir, 'racy'))?.pid).toBe(victimPid);
    const broken: LockOwner[] = [];
    const started = Date.now();
    const next = await acquireLock(stateDir, 'racy', { command: 'strata run next', ttlMs: 60_000, onBrokenLock: (h) => broken.push(h) });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(broken.map((h) => h.pid)).toEqual([victimPid]);
    const nextPid = process.pid;
    expect((await readLock(stateDir, 'racy'))?.pid).toBe(nextPid);
    await next.release();

    // And a race right after a holder was SIGKILLed has exactly one winner, which names the dead holder.
    const second = spawnLockChild({ stateDir, system: 'racy' });
    expect(await second.acquired, second.stderr).toBe(true);
    second.process.kill('SIGKILL');
    await second.exited;
    const racers = await raceForLock(RACERS, { stateDir, system: 'racy' });
    try {
      const winner = await expectOneWinner(racers);
      expect(winner.stderr).toContain('broke the stale lock of racy held by');
      expect(winner.stderr).toContain(`pid ${second.process.pid} `);
      expect(winner.stderr).toContain('that process is gone');
    } finally {
      await releaseAll(racers);
    }
  }, 240_000);
});
