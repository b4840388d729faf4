// Issue 8: a restore that fails late leaves nothing behind. The decoded stream is checked against the
// manifest's raw_size and raw_sha256 as it flows (createRawDigestGate), and the files engine moves what
// it extracted into the target only once that stream has ended cleanly; on any failure its staging
// directory is removed. Here the manifest is tampered with (the artifact itself still passes its own
// checksum), as a damaged or substituted manifest would be.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { runBackup } from '../../../src/backup/run-backup.js';
import type { CatalogEntry } from '../../../src/model/catalog.js';
import { scanTier } from '../../../src/observe/scan-tier.js';
import { generateAgeKey } from '../../helpers/age-key.js';
import { diffExact, snapshotExact } from '../../helpers/exact-tree.js';
import { filesFixture, identity } from '../../helpers/files-policy.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { generateSampleTree } from '../../helpers/tree-snapshot.js';

async function backedUp() {
  const work = await makeTempDir();
  const source = join(work, 'srv', 'uploads');
  await generateSampleTree(source);
  const key = await generateAgeKey(work);
  const fixture = filesFixture({ storageRoot: join(work, 'storage'), paths: [source], recipients: [key.recipient] });
  await runBackup({ ...fixture, resolveSecret: identity });
  const storage = fixture.storages.get('hot')!;
  const [entry] = (await scanTier(storage, 'hot', 'test-system/')).entries;
  const restore = (target: string, which: CatalogEntry = entry!) =>
    restoreBackup({ entry: which, storage, policy: fixture.policy, target, identityFile: key.identityFile, resolveSecret: identity });
  return { work, source, entry: entry!, restore };
}

function withManifest(entry: CatalogEntry, change: Partial<CatalogEntry['manifest']>): CatalogEntry {
  return { ...entry, manifest: { ...entry.manifest, ...change } };
}

/** A sha256 that differs from `sha` in its first digit. */
const otherSha = (sha: string): string => `${sha[0] === '0' ? '1' : '0'}${sha.slice(1)}`;

async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [])).filter((name) => name.startsWith('.strata-restore-'));
}

describeWithBinaries(['age', 'age-keygen', 'zstd'], 'a restore that fails leaves the target as it was', () => {
  it('a raw_sha256 mismatch creates no target and leaves no staging directory beside it', async () => {
    const { work, entry, restore } = await backedUp();
    const target = join(work, 'new', 'target');
    const tampered = withManifest(entry, { raw_sha256: otherSha(entry.manifest.raw_sha256) });
    const error = await restore(target, tampered).then(() => undefined, (e: Error) => e);
    expect(error?.message).toMatch(/does not match the manifest/);
    await expect(readdir(join(work, 'new'))).rejects.toThrow(/ENOENT/);
    expect(await leftovers(work)).toEqual([]);
    expect(error?.message).toMatch(/sha256 mismatch.*nothing was written to .*new\/target/);
  });

  it('an empty target stays empty', async () => {
    const { work, entry, restore } = await backedUp();
    const target = join(work, 'empty');
    await (await import('node:fs/promises')).mkdir(target);
    await expect(restore(target, withManifest(entry, { raw_sha256: otherSha(entry.manifest.raw_sha256) }))).rejects.toThrow(/does not match the manifest/);
    expect(await readdir(target)).toEqual([]);
  });

  it('a pre-filled target (as restore --yes overwrites) stays byte-identical, and a good restore then works', async () => {
    const { work, source, entry, restore } = await backedUp();
    const target = join(work, 'filled');
    await restore(target);
    const fs = await import('node:fs/promises');
    const restoredSource = join(target, source.slice(1));
    // Make the target differ from the backup, so that a restore would change it.
    await fs.writeFile(join(restoredSource, 'docs/readme.txt'), 'edited after the backup\n');
    await fs.rm(join(restoredSource, 'data/blob.bin'));
    await fs.writeFile(join(restoredSource, 'new-file'), 'not in the backup\n');
    const before = snapshotExact(target);

    await expect(restore(target, withManifest(entry, { raw_sha256: otherSha(entry.manifest.raw_sha256) }))).rejects.toThrow(/does not match the manifest/);
    expect(diffExact(before, snapshotExact(target))).toEqual([]);
    expect(await leftovers(target)).toEqual([]);
    // raw_size too small: the stream fails as soon as it is longer, with the same guarantee.
    await expect(restore(target, withManifest(entry, { raw_size: entry.manifest.raw_size - 512 }))).rejects.toThrow(/does not match the manifest/);
    expect(diffExact(before, snapshotExact(target))).toEqual([]);
    expect(await leftovers(target)).toEqual([]);

    // The staging directory of a good restore lives in the archive root's parent, which the restore does
    // not otherwise change: making and removing it leaves no trace there either.
    const parent = join(restoredSource, '..');
    const parentBefore = (await fs.stat(parent, { bigint: true })).mtimeNs;
    await restore(target);
    expect(await fs.readFile(join(restoredSource, 'docs/readme.txt'), 'utf8')).toBe(await fs.readFile(join(source, 'docs/readme.txt'), 'utf8'));
    expect(await leftovers(parent)).toEqual([]);
    expect((await fs.stat(parent, { bigint: true })).mtimeNs).toBe(parentBefore);
  });
});
