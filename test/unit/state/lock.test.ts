import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, breakLock, LockHeldError, lockStaleness, type LockOwner } from '../../../src/state/lock.js';

async function stateDir() {
  return mkdtemp(join(tmpdir(), 'strata-lock-'));
}

/** A record left behind without its kernel lock: what a run that is gone (or runs on another host) leaves. */
async function plantRecord(dir: string, owner: LockOwner): Promise<void> {
  await mkdir(join(dir, 'locks'), { recursive: true });
  await writeFile(join(dir, 'locks', 'demo.lock'), JSON.stringify(owner));
}

function holder(overrides: Partial<LockOwner> = {}): LockOwner {
  return {
    system: 'demo', owner: 'backup', host: hostname(), pid: process.pid, command: 'strata apply',
    acquired_at: '2026-11-21T12:00:00.000Z', expires_at: '2099-01-01T00:00:00.000Z', ...overrides,
  };
}

describe('lock', () => {
  it('records its owner and refuses a second holder with exit-worthy details', async () => {
    const dir = await stateDir();
    const lock = await acquireLock(dir, 'demo', { command: 'strata apply', ttlMs: 60_000 });
    const owner = JSON.parse(await readFile(lock.path, 'utf8')) as LockOwner;
    expect(owner).toMatchObject({ system: 'demo', pid: process.pid, host: hostname(), command: 'strata apply' });
    const second = acquireLock(dir, 'demo', { command: 'strata run files', ttlMs: 60_000 });
    await expect(second).rejects.toBeInstanceOf(LockHeldError);
    await expect(second).rejects.toThrow(/locked by .* pid \d+ \(`strata apply`/);
    await lock.release();
    const third = await acquireLock(dir, 'demo', { command: 'strata run files', ttlMs: 60_000 });
    await third.release();
  });

  it('breaks a lock whose owner died on this host, and says so', async () => {
    const dir = await stateDir();
    await plantRecord(dir, holder({ pid: 2 ** 22 + 12345 }));
    const broken: LockOwner[] = [];
    const lock = await acquireLock(dir, 'demo', { command: 'y', ttlMs: 60_000, onBrokenLock: (h) => broken.push(h) });
    expect(broken).toHaveLength(1);
    await lock.release();
  });

  it('reports an expired lock of a live owner as stale but only breaks it when asked', async () => {
    const dir = await stateDir();
    await plantRecord(dir, holder({ host: 'other-host', expires_at: '2020-01-01T00:00:00.000Z' }));
    const error = await acquireLock(dir, 'demo', { command: 'y', ttlMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).stale).toBe(true);
    expect((error as LockHeldError).hint).toContain('strata unlock demo');
    const lock = await acquireLock(dir, 'demo', { command: 'y', ttlMs: 60_000, breakStale: true });
    await lock.release();
    expect(await breakLock(dir, 'demo')).toBeUndefined();
  });

  it('never calls the lock of a live owner on this host stale, whatever its TTL says (a slow run)', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    expect(lockStaleness(holder({ expires_at: '2026-11-21T11:00:00Z' }), now, () => true)).toBeUndefined();
    expect(lockStaleness(holder({ expires_at: '2026-11-21T11:00:00Z' }), now, () => false)).toBe('owner-gone');
  });

  it('classifies staleness', () => {
    const now = new Date('2026-11-21T12:00:00Z');
    expect(lockStaleness(holder(), now, () => true)).toBeUndefined();
    expect(lockStaleness(holder(), now, () => false)).toBe('owner-gone');
    expect(lockStaleness(holder({ host: 'elsewhere', expires_at: '2026-11-21T11:00:00Z' }), now, () => true)).toBe('expired');
    expect(lockStaleness(holder({ host: 'elsewhere' }), now, () => false)).toBeUndefined();
  });
});
