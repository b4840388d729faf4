// A backup killed (SIGKILL) mid-transfer, or failing mid-stream, leaves nothing that looks like a backup:
// scanTier sees no entry, only debris, which removeDebris cleans; the next backup and restore work.
import { mkdir, readdir, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { runBackup } from '../../../src/backup/run-backup.js';
import { removeDebris, scanTier } from '../../../src/observe/scan-tier.js';
import { LocalStorage } from '../../../src/storage/local/local-storage.js';
import { generateAgeKey } from '../../helpers/age-key.js';
import { writeIncompressibleTree } from '../../helpers/bulk-data.js';
import { filesFixture, identity, type FilesPolicyOptions } from '../../helpers/files-policy.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { diffTrees, snapshotTree } from '../../helpers/tree-snapshot.js';
import { killMidBackup, listAll } from '../../helpers/kill-mid-backup.js';
import { withUploadHook } from '../../helpers/upload-hook.js';

const repo = join(import.meta.dirname, '..', '..', '..');

/** Temp files anywhere under a storage root, with their sizes. */
async function tempFiles(root: string): Promise<{ path: string; size: number }[]> {
  const found: { path: string; size: number }[] = [];
  const walk = async (dir: string): Promise<void> => {
    let names;
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of names) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.includes('.tmp-')) found.push({ path, size: await stat(path).then((s) => s.size, () => 0) });
    }
  };
  await walk(root);
  return found;
}


describeWithBinaries(['age', 'age-keygen', 'zstd'], 'crash safety', () => {
  it('SIGKILL mid-transfer leaves only debris; cleanup and the next backup + restore work', async () => {
    const work = await makeTempDir();
    const source = join(work, 'srv', 'bulk');
    await writeIncompressibleTree(source, 4, 50 << 20);
    const key = await generateAgeKey(work);
    const options: FilesPolicyOptions = { storageRoot: join(work, 'storage'), paths: [source], recipients: [key.recipient] };
    const fixture = filesFixture(options);

    // Kill once the artifact's temp file holds a good part of the data: mid-transfer, not at the start.
    const { ended, killedAt, output } = await killMidBackup(['--import', 'tsx', join(repo, 'test/helpers/backup-child.ts'), JSON.stringify(options)], {
      cwd: repo,
      // The killed child cannot remove its 0600 recipients file: keep it inside the test's temp dir.
      env: { ...process.env, TMPDIR: work },
      progress: async () => (await tempFiles(fixture.roots.hot!)).reduce((sum, t) => sum + t.size, 0),
      atBytes: 16 << 20,
      pollMs: 10,
    });
    expect(ended, `child output:\n${output}`).toBe('SIGKILL');
    expect(killedAt).toBeGreaterThan(0);
    expect(output).not.toMatch(/^done/m);

    const storage = fixture.storages.get('hot')!;
    const scan = await scanTier(storage, 'hot', 'test-system/');
    expect(scan.entries).toEqual([]);
    expect(scan.debris).toHaveLength(1);
    expect(scan.debris[0]!.reason).toMatch(/no manifest/);
    expect(scan.debris[0]!.keys.every((k) => !k.endsWith('manifest.json'))).toBe(true);
    expect(scan.debris[0]!.bytes).toBeGreaterThanOrEqual(killedAt);

    await removeDebris(storage, scan.debris[0]!);
    expect(await listAll(storage)).toEqual([]);
    expect(await readdir(fixture.roots.hot!)).toEqual([]);

    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: identity });
    expect(manifest.stats).toEqual({ files: 4, dirs: 1, symlinks: 0, bytes: 200 << 20 });
    const after = await scanTier(storage, 'hot', 'test-system/');
    expect(after.debris).toEqual([]);
    expect(after.entries.map((e) => e.dir)).toEqual([dir]);
    const target = join(work, 'restore');
    await restoreBackup({ entry: after.entries[0]!, storage, policy: fixture.policy, target, identityFile: key.identityFile, resolveSecret: identity });
    expect(diffTrees(await snapshotTree(source), await snapshotTree(join(target, source.slice(1))))).toEqual([]);
  });

  it('a source file that shrinks mid-stream fails the backup and leaves nothing behind', async () => {
    const work = await makeTempDir();
    const source = join(work, 'srv', 'data');
    await mkdir(source, { recursive: true });
    const big = join(source, 'a-big.bin');
    await writeFile(big, '');
    await truncate(big, 256 << 20); // sparse: fast to read, large enough to be mid-read when the upload starts
    await writeFile(join(source, 'b-small.txt'), 'small');
    const fixture = filesFixture({ storageRoot: join(work, 'storage'), paths: [source], compression: 'none' });
    const inner = fixture.storages.get('hot')!;
    fixture.storages.set('hot', withUploadHook(inner, () => truncate(big, 0)));

    await expect(runBackup({ ...fixture, resolveSecret: identity })).rejects.toThrow(
      /backup of test-system\/critical\/uploads to tier hot failed: files source "uploads": .*a-big\.bin shrank while it was being archived/,
    );
    const scan = await scanTier(inner, 'hot', 'test-system/');
    expect(scan).toEqual({ entries: [], debris: [], damaged: [] });
    expect(await listAll(inner)).toEqual([]);
  });

  it('a missing source path fails with its name and writes nothing', async () => {
    const work = await makeTempDir();
    const missing = join(work, 'no-such-dir');
    const fixture = filesFixture({ storageRoot: join(work, 'storage'), paths: [missing] });
    await expect(runBackup({ ...fixture, resolveSecret: identity })).rejects.toThrow(`files source "uploads": path ${missing} does not exist`);
    expect(await listAll(fixture.storages.get('hot')!)).toEqual([]);
  });

  it('a failing codec stage (age rejecting a recipient) fails the backup and leaves no manifest', async () => {
    const work = await makeTempDir();
    const source = join(work, 'src');
    await writeIncompressibleTree(source, 1, 4 << 20);
    const fixture = filesFixture({ storageRoot: join(work, 'storage'), paths: [source], recipients: ['age1invalid'] });
    await expect(runBackup({ ...fixture, resolveSecret: identity })).rejects.toThrow(/age -e -R .* failed \(exit 1\): .*malformed recipient/);
    expect(await listAll(fixture.storages.get('hot')!)).toEqual([]);
    expect(await listAll(new LocalStorage(fixture.roots.hot!))).toEqual([]);
  });
});
