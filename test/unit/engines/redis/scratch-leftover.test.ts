import { describe, expect, it } from 'vitest';
import { isScratchServer, stopScratchLeftover } from '../../../../src/engines/redis/scratch-leftover.js';

describe('scratch redis-server leftovers', () => {
  const dir = '/tmp/strata-restore-test-ab12/redis-scratch';

  it('recognises the server by its rewritten title and working directory only', () => {
    expect(isScratchServer({ title: 'redis-server 127.0.0.1:41234', cwd: dir }, '41234', dir)).toBe(true);
    expect(isScratchServer({ title: '/usr/bin/redis-server 127.0.0.1:41234', cwd: dir }, '41234', dir)).toBe(true);
    // A recycled pid: another program, another port or another directory is never signalled.
    expect(isScratchServer({ title: 'postgres: checkpointer', cwd: dir }, '41234', dir)).toBe(false);
    expect(isScratchServer({ title: 'redis-server 127.0.0.1:6379', cwd: '/var/lib/redis' }, '41234', dir)).toBe(false);
    expect(isScratchServer({ title: 'redis-server 127.0.0.1:41234', cwd: '/var/lib/redis' }, '41234', dir)).toBe(false);
  });

  it('rejects handles that do not name a server, and leaves a pid that is not the server alone', async () => {
    await expect(stopScratchLeftover({ description: 'x', data: { pid: '1', port: '1', dir } })).rejects.toThrow(/not a scratch redis-server handle/);
    // This test process is alive but is not a redis-server: nothing happens to it.
    await stopScratchLeftover({ description: 'x', data: { pid: String(process.pid), port: '41234', dir } });
  });
});
