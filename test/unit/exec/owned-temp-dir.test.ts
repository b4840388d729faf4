import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeOwnedTempDir, ownerOfTempDir, removeOrphanedTempDirs } from '../../../src/exec/owned-temp-dir.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

/** A pid that was just used and is now gone. */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

describe('owned temp dirs', () => {
  it('carry the owner pid in their name', async () => {
    const root = await makeTempDir();
    const dir = await makeOwnedTempDir('strata-pg-', root);
    expect(ownerOfTempDir('strata-pg-', basename(dir))).toBe(process.pid);
    expect(ownerOfTempDir('strata-pg-', 'strata-pg-server-a1B2c3')).toBeUndefined();
    expect(ownerOfTempDir('strata-pg-', 'strata-pg-a1B2c3')).toBeUndefined();
    expect(ownerOfTempDir('strata-redis-restore-', 'strata-pg-42-a1B2c3')).toBeUndefined();
  });

  it('are removed once their owner is gone, after beforeRemove; live owners and other names are kept', async () => {
    const root = await makeTempDir();
    const gone = deadPid();
    const names = [`strata-pg-${gone}-aaaaaa`, `strata-pg-${process.pid}-bbbbbb`, 'strata-pg-server-cccccc', `strata-x-${gone}-dddddd`];
    for (const name of names) {
      await mkdir(join(root, name));
      await writeFile(join(root, name, 'pgpass'), '*:*:*:*:secret\n', { mode: 0o600 });
    }
    const seen: string[] = [];
    const removed = await removeOrphanedTempDirs('strata-pg-', { root, beforeRemove: async (dir) => void seen.push(dir) });
    expect(removed).toEqual([join(root, names[0]!)]);
    expect(seen).toEqual(removed);
    expect((await readdir(root)).sort()).toEqual(names.slice(1).sort());
  });
});
