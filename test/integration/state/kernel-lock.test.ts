// The kernel lock (util-linux `flock` held by a child process) and what /proc says about a lock's owner.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { takeKernelLock } from '../../../src/state/kernel-lock.js';
import { inspectOwnerProcess } from '../../../src/state/owner-process.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

describeWithBinaries(['flock'], 'kernel lock', () => {
  it('is exclusive, is released on release, and can wait for a holder', async () => {
    const file = join(await makeTempDir('strata-kernel-lock-'), 'demo.flock');
    const first = await takeKernelLock(file);
    if (first === 'held') throw new Error('a fresh file was locked');
    expect(await takeKernelLock(file)).toBe('held');
    const waiting = takeKernelLock(file, { waitMs: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await first.release();
    const second = await waiting;
    expect(second).not.toBe('held');
    if (second !== 'held') await second.release();
  });

  it('says what is missing when flock cannot be run', async () => {
    const file = join(await makeTempDir('strata-kernel-lock-'), 'demo.flock');
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(takeKernelLock(file)).rejects.toThrow(/flock is not installed or not on PATH.*util-linux/);
    } finally {
      process.env.PATH = path;
    }
  });
});

describeWithBinaries(['sleep'], "a lock owner's process", () => {
  it('is alive, running or stopped, with its command line; a pid that started after the lock is not the owner', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await once(child, 'spawn');
    const pid = child.pid!;
    try {
      expect(inspectOwnerProcess(pid, new Date())).toEqual({ alive: true, state: 'running', commandLine: 'sleep 30' });
      child.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(inspectOwnerProcess(pid, new Date()).state).toBe('stopped');
      // A lock taken an hour before this process started was not taken by it (the pid was reused).
      expect(inspectOwnerProcess(pid, new Date(Date.now() - 3_600_000))).toEqual({ alive: false, reusedPid: true });
    } finally {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    expect(inspectOwnerProcess(pid, new Date()).alive).toBe(false);
  });
});
