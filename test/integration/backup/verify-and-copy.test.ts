// Checksums catch a flipped byte (and a restore then writes nothing); copies to a further tier are
// verified while streaming, so a corrupt source never becomes a committed copy.
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { copyBackup } from '../../../src/backup/copy-backup.js';
import { deleteBackup } from '../../../src/backup/delete-backup.js';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { restoreTest } from '../../../src/backup/restore-test.js';
import { BackupCopyError, runBackup } from '../../../src/backup/run-backup.js';
import { verifyChecksum } from '../../../src/backup/verify-checksum.js';
import { scanTier } from '../../../src/observe/scan-tier.js';
import { LocalStorage } from '../../../src/storage/local/local-storage.js';
import { generateAgeKey } from '../../helpers/age-key.js';
import { filesFixture, identity } from '../../helpers/files-policy.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { generateSampleTree } from '../../helpers/tree-snapshot.js';

async function flipByte(path: string, offset: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    const one = Buffer.alloc(1);
    await handle.read(one, 0, 1, offset);
    one[0] = one[0]! ^ 0xff;
    await handle.write(one, 0, 1, offset);
  } finally {
    await handle.close();
  }
}

async function backedUp(tiers: string[], encrypt = true) {
  const work = await makeTempDir();
  const source = join(work, 'srv', 'uploads');
  await generateSampleTree(source);
  const key = await generateAgeKey(work);
  const fixture = filesFixture({ storageRoot: join(work, 'storage'), paths: [source], recipients: encrypt ? [key.recipient] : [], tiers });
  return { work, key, fixture };
}

describeWithBinaries(['age', 'age-keygen', 'zstd'], 'checksums, copies and restore tests', () => {
  it('detects a flipped byte, and restore refuses to write anything', async () => {
    const { work, key, fixture } = await backedUp(['hot']);
    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const entry = { tier: 'hot', dir, manifest };
    expect(await verifyChecksum(entry, storage)).toEqual({ ok: true, details: [], bytes: manifest.size });

    await flipByte(join(fixture.roots.hot!, dir, manifest.artifact), Math.floor(manifest.size / 2));
    const check = await verifyChecksum(entry, storage);
    expect(check.ok).toBe(false);
    expect(check.details.join('\n')).toMatch(/sha256 is [0-9a-f]{64}, the manifest says/);

    const target = join(work, 'restore');
    await expect(restoreBackup({ entry, storage, policy: fixture.policy, target, identityFile: key.identityFile, resolveSecret: identity })).rejects.toThrow(
      /failed its checksum verification; nothing was restored/,
    );
    await expect(readdir(target)).rejects.toThrow(/ENOENT/);

    const record = await restoreTest({ entry, storage, policy: fixture.policy, identityFile: key.identityFile, resolveSecret: identity, scratchRoot: work });
    expect(record).toMatchObject({ kind: 'restore_test', ok: false, backup_ids: [manifest.id], tier: 'hot' });
    expect(record.details[0]).toMatch(/checksum/);
  });

  it('reports a missing or truncated artifact', async () => {
    const { fixture } = await backedUp(['hot'], false);
    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const { truncate } = await import('node:fs/promises');
    await truncate(join(fixture.roots.hot!, dir, manifest.artifact), 100);
    const check = await verifyChecksum({ tier: 'hot', dir, manifest }, storage);
    expect(check.details.join('\n')).toMatch(/size is 100 bytes, the manifest says/);
    await storage.delete([`${dir}/${manifest.artifact}`]);
    expect(await verifyChecksum({ tier: 'hot', dir, manifest }, storage)).toMatchObject({ ok: false, details: [expect.stringMatching(/is missing/)] });
  });

  it('lands on the first tier, copies to the next with a verified checksum, and restore-tests either copy', async () => {
    const { work, key, fixture } = await backedUp(['hot', 'warm']);
    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: identity });
    for (const tier of ['hot', 'warm']) {
      const scan = await scanTier(fixture.storages.get(tier)!, tier, 'test-system/');
      expect(scan.debris).toEqual([]);
      expect(scan.entries).toEqual([{ tier, dir, manifest }]);
      const bytes = await readFile(join(fixture.roots[tier]!, dir, manifest.artifact));
      expect(bytes.length).toBe(manifest.size);
    }
    const record = await restoreTest({
      entry: { tier: 'warm', dir, manifest },
      storage: fixture.storages.get('warm')!,
      policy: fixture.policy,
      identityFile: key.identityFile,
      resolveSecret: identity,
      scratchRoot: work,
    });
    expect(record).toMatchObject({ kind: 'restore_test', ok: true, details: [], backup_ids: [manifest.id], tier: 'warm', bytes: manifest.raw_size });
    expect(record.duration_ms).toBeGreaterThan(0);
    expect((await readdir(work)).filter((n) => n.startsWith('strata-restore-test-'))).toEqual([]);
  });

  it('refuses to copy a corrupted source and leaves nothing on the target tier', async () => {
    const { work, fixture } = await backedUp(['hot'], false);
    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: identity });
    const hot = fixture.storages.get('hot')!;
    const cold = new LocalStorage(join(work, 'cold'));
    await flipByte(join(fixture.roots.hot!, dir, manifest.artifact), 10);
    await expect(copyBackup({ tier: 'hot', dir, manifest }, hot, cold, 'cold')).rejects.toThrow(/copy of backup .* failed: .*sha256 mismatch/);
    const left = [];
    for await (const o of cold.list('')) left.push(o.key);
    expect(left).toEqual([]);
  });

  it('keeps the committed first copy when a further copy fails, and says so', async () => {
    const { work, fixture } = await backedUp(['hot', 'warm'], false);
    // A tier whose root is a file cannot hold anything.
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(work, 'not-a-dir'), 'x');
    fixture.storages.set('warm', new LocalStorage(join(work, 'not-a-dir')));
    const error = await runBackup({ ...fixture, resolveSecret: identity }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackupCopyError);
    expect((error as BackupCopyError).message).toMatch(/is committed on tier hot, but copying it failed/);
    expect((error as BackupCopyError).failedTiers).toEqual(['warm']);
    const scan = await scanTier(fixture.storages.get('hot')!, 'hot', 'test-system/');
    expect(scan.entries.map((e) => e.manifest.id)).toEqual([(error as BackupCopyError).manifest.id]);
  });

  it('deletes the manifest first, then the data, pruning empty directories', async () => {
    const { fixture } = await backedUp(['hot'], false);
    const first = await runBackup({ ...fixture, resolveSecret: identity });
    const second = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const deleted: string[][] = [];
    const spy = new LocalStorage(fixture.roots.hot!);
    const original = spy.delete.bind(spy);
    spy.delete = async (keys: string[]) => {
      deleted.push([...keys]);
      await original(keys);
    };
    await deleteBackup(spy, { tier: 'hot', dir: first.dir, manifest: first.manifest });
    expect(deleted[0]).toEqual([`${first.dir}/manifest.json`]);
    expect(deleted[1]).toEqual([`${first.dir}/${first.manifest.artifact}`]);
    const scan = await scanTier(storage, 'hot', 'test-system/');
    expect(scan.entries.map((e) => e.manifest.id)).toEqual([second.manifest.id]);
    expect(scan.debris).toEqual([]);
    await deleteBackup(storage, { tier: 'hot', dir: second.dir, manifest: second.manifest });
    expect(await readdir(fixture.roots.hot!)).toEqual([]);
  });
});
