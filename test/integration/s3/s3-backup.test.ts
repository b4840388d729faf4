// Backups on S3 end to end: runBackup to an S3 tier and restore; the manual fallback with only the SDK, age,
// zstd and tar; server-side copies between S3 tiers, verified against the manifest; object lock that really
// refuses deletes; bucket settings read and applied against the server; and the CLI loop with hot = local,
// warm = S3, cold = S3 with object lock.
import { DeleteObjectCommand, GetObjectCommand, GetObjectTaggingCommand, ListObjectVersionsCommand, PutBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect, it, vi } from 'vitest';
import { copyBackup } from '../../../src/backup/copy-backup.js';
import { deleteBackup } from '../../../src/backup/delete-backup.js';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { runBackup } from '../../../src/backup/run-backup.js';
import type { ResolvedTier } from '../../../src/model/policy-model.js';
import { scanTier } from '../../../src/observe/scan-tier.js';
import { LocalStorage } from '../../../src/storage/local/local-storage.js';
import { bucketProblems, desiredBucketSettings, diffBucketSettings, type BucketChange } from '../../../src/storage/s3/bucket-settings.js';
import { applyBucketChange, BucketSettingUnsupportedError, readBucketSettings } from '../../../src/storage/s3/bucket-settings-io.js';
import { S3ObjectLockedError, type S3Storage } from '../../../src/storage/s3/s3-storage.js';
import { generateAgeKey } from '../../helpers/age-key.js';
import { filesFixture } from '../../helpers/files-policy.js';
import { runCli } from '../../helpers/run-cli.js';
import { describeS3, skipNote } from '../../helpers/s3-server.js';
import { requireBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { diffTrees, generateSampleTree, snapshotTree } from '../../helpers/tree-snapshot.js';
import { identity, s3Storage, s3Tier, withStorages } from './s3-fixture.js';

const bins = requireBinaries(['age', 'age-keygen', 'zstd', 'tar'], 'S3 backups (age, zstd, tar)');

describeS3('backups on S3', (server) => {
  /** Apply every planned change to a tier's bucket, then check that nothing is left to do. */
  async function converge(storage: S3Storage, tier: ResolvedTier, skip: (c: BucketChange) => boolean = () => false): Promise<BucketChange[]> {
    const desired = desiredBucketSettings(tier);
    const changes = diffBucketSettings(desired, await readBucketSettings(storage));
    for (const change of changes) if (!skip(change)) await applyBucketChange(storage, change);
    const again = diffBucketSettings(desired, await readBucketSettings(storage)).filter((c) => !skip(c));
    expect(again, 'a second plan has nothing to do').toEqual([]);
    return changes;
  }

  it.skipIf(bins.skip)('backs up to S3, restores byte-equal, and the manual fallback (SDK download, age -d | zstd -d | tar x) gives the same data', async () => {
    const work = await makeTempDir();
    const source = join(work, 'src');
    await generateSampleTree(source);
    const key = await generateAgeKey(work);
    const bucket = await server().createBucket();
    const tier = s3Tier(server(), 'warm', bucket);
    const storage = s3Storage(server(), bucket);
    const fixture = withStorages(filesFixture({ storageRoot: join(work, 'unused'), paths: [source], recipients: [key.recipient] }), [{ tier, storage }]);
    const result = await runBackup({ ...fixture, resolveSecret: identity });
    expect(result.manifest.codecs).toMatchObject({ compression: 'zstd', encryption: 'age' });

    const [entry] = (await scanTier(storage, 'warm', 'test-system/')).entries;
    const target = join(work, 'restored');
    await restoreBackup({ entry: entry!, storage, policy: fixture.policy, target, identityFile: key.identityFile, resolveSecret: identity });
    const expected = await snapshotTree(source);
    expect(diffTrees(expected, await snapshotTree(join(target, source.slice(1))))).toEqual([]);

    // What `aws s3 cp s3://<bucket>/warm/<dir>/data.tar.zst.age .` does: one GetObject to a file.
    const downloaded = join(work, 'data.tar.zst.age');
    const got = await server().client.send(new GetObjectCommand({ Bucket: bucket, Key: `warm/${result.dir}/${result.manifest.artifact}` }));
    await pipeline(got.Body as Readable, createWriteStream(downloaded));
    const manual = join(work, 'manual');
    await mkdir(manual);
    const unpacked = await execa('sh', ['-c', `age -d -i "$KEY" "$FILE" | zstd -d | tar x -C "$OUT"`], {
      env: { KEY: key.identityFile, FILE: downloaded, OUT: manual },
      reject: false,
    });
    expect(unpacked.exitCode, unpacked.stderr).toBe(0);
    expect(diffTrees(expected, await snapshotTree(join(manual, source.slice(1))))).toEqual([]);
  });

  it('copies server-side from one S3 tier to an object-locked one, verifies the copy, and object lock refuses deletes', async () => {
    const work = await makeTempDir();
    const source = join(work, 'src');
    await generateSampleTree(source);
    const warmBucket = await server().createBucket();
    const coldBucket = await server().createBucket({ objectLock: true });
    const hotTier: ResolvedTier = { name: 'hot', storage: { type: 'local', path: join(work, 'hot') }, offsite: false };
    const warmTier = s3Tier(server(), 'warm', warmBucket);
    const coldTier = s3Tier(server(), 'cold', coldBucket, { immutable: { mode: 'governance', days: 1 } });
    const hot = new LocalStorage(join(work, 'hot'));
    const warm = s3Storage(server(), warmBucket);
    const cold = s3Storage(server(), coldBucket, {}, { name: 'cold' });
    // The default retention is a planned bucket setting: apply it like `strata apply` will.
    const applied = await converge(cold, coldTier);
    expect(applied.map((c) => c.kind)).toEqual(['lifecycle', 'object-lock']);

    const fixture = withStorages(filesFixture({ storageRoot: join(work, 'unused'), paths: [source], compression: 'gzip' }), [
      { tier: hotTier, storage: hot },
      { tier: warmTier, storage: warm },
    ]);
    const result = await runBackup({ ...fixture, resolveSecret: identity });
    const [warmEntry] = (await scanTier(warm, 'warm', 'test-system/')).entries;
    expect(warmEntry?.locked_until).toBeUndefined();

    const warmGet = vi.spyOn(warm, 'get');
    const coldGet = vi.spyOn(cold, 'get');
    const copied = await copyBackup(warmEntry!, warm, cold, 'cold');
    expect(copied).toMatchObject({ tier: 'cold', dir: result.dir });
    expect(warmGet, 'server-side: the bytes never came through this host').not.toHaveBeenCalled();
    expect(coldGet, 'the copy was read back and checked against the manifest').toHaveBeenCalledTimes(1);

    const [coldEntry] = (await scanTier(cold, 'cold', 'test-system/')).entries;
    expect(coldEntry?.manifest).toEqual(result.manifest);
    const until = Date.parse(coldEntry!.locked_until!);
    expect(until).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(until).toBeLessThan(Date.now() + 25 * 3600_000);

    // Strata's delete fails cleanly and leaves the backup whole.
    await expect(deleteBackup(cold, coldEntry!)).rejects.toThrow(S3ObjectLockedError);
    await expect(deleteBackup(cold, coldEntry!)).rejects.toThrow(/object lock retains .*manifest\.json until 20\d\d-/);
    // So does anyone with the SDK, deleting the locked version itself.
    const key = `cold/${result.dir}/${result.manifest.artifact}`;
    const versions = await server().client.send(new ListObjectVersionsCommand({ Bucket: coldBucket, Prefix: key }));
    const version = versions.Versions?.find((v) => v.Key === key)?.VersionId;
    await expect(server().client.send(new DeleteObjectCommand({ Bucket: coldBucket, Key: key, VersionId: version }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    const still = await scanTier(cold, 'cold', 'test-system/');
    expect(still.entries.map((e) => e.manifest.id)).toEqual([result.manifest.id]);
    expect(still.debris).toEqual([]);
    const target = join(work, 'from-cold');
    await restoreBackup({ entry: still.entries[0]!, storage: cold, policy: fixture.policy, target, resolveSecret: identity });
    expect(diffTrees(await snapshotTree(source), await snapshotTree(join(target, source.slice(1))))).toEqual([]);

    // A copy that does not match its manifest is never committed (checked on the read-back).
    const bad = { ...warmEntry!, manifest: { ...warmEntry!.manifest, sha256: '0'.repeat(64) } };
    const other = s3Storage(server(), await server().createBucket());
    await expect(copyBackup(bad, warm, other, 'other')).rejects.toThrow(/copy of backup .* failed: .*sha256/);
    expect((await scanTier(other, 'other', 'test-system/')).entries).toEqual([]);
  });

  it('reads and applies bucket settings: create, versioning, lifecycle next to foreign rules, object lock', async () => {
    const bucket = `strata-t-new-${Date.now().toString(36)}`;
    const tier = s3Tier(server(), 'warm', bucket, {
      versioning: true,
      sse: 'AES256',
      lifecycle: { transitions: [{ days: 30, storage_class: 'GLACIER' }], expire_days: 400, noncurrent_expire_days: 7 },
    });
    const storage = s3Storage(server(), bucket, {}, tier);
    expect(await readBucketSettings(storage)).toEqual({ bucket, exists: false, unsupported: [], unreadable: {} });

    // radosgw has no PutBucketEncryption: apply reports that clearly; a real endpoint must honour it.
    const isEncryption = (c: BucketChange) => c.kind === 'encryption' && server().radosgw;
    const created = await converge(storage, tier, isEncryption);
    expect(created.map((c) => c.kind)).toEqual(['create-bucket', 'versioning', 'lifecycle', 'encryption']);
    if (server().radosgw) {
      await expect(applyBucketChange(storage, created[3]!)).rejects.toThrow(BucketSettingUnsupportedError);
      await expect(applyBucketChange(storage, created[3]!)).rejects.toThrow(/does not support PutBucketEncryption .*HTTP 400/);
      skipNote('default bucket encryption (PutBucketEncryption) is not implemented by radosgw; set STRATA_TEST_S3_ENDPOINT to test it');
    }
    const observed = await readBucketSettings(storage);
    expect(observed).toMatchObject({ exists: true, versioning: 'Enabled', objectLock: { enabled: false } });
    expect(observed.lifecycle?.map((r) => r.id).sort()).toEqual(['strata-warm', 'strata-warm (transitions)']);

    // Someone else's rule: kept through every Strata change, and named in the plan.
    const current = (await readBucketSettings(storage)).lifecycle!;
    const { ruleToSdk } = await import('../../../src/storage/s3/lifecycle-rules.js');
    await server().client.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: bucket,
        LifecycleConfiguration: { Rules: [...current.map(ruleToSdk), { ID: 'ops-logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: 3 } }] },
      }),
    );
    const shorter = { ...tier, lifecycle: { expire_days: 500 } };
    const [update] = diffBucketSettings(desiredBucketSettings(shorter), await readBucketSettings(storage)).filter((c) => !isEncryption(c));
    expect(update?.detail).toEqual([
      'change rule strata-warm:',
      '  delete after: 400 days → 500 days',
      '  delete noncurrent versions after: 7 days → never',
      'remove rule strata-warm (transitions)',
      'keeps foreign rule ops-logs (prefix logs/): not created by Strata, left untouched',
    ]);
    await converge(storage, shorter, isEncryption);
    expect((await readBucketSettings(storage)).lifecycle?.map((r) => r.id).sort()).toEqual(['ops-logs', 'strata-warm']);

    // Transitions only move tagged artifacts: manifests stay STANDARD and readable.
    const tagged = s3Storage(server(), bucket, {}, tier);
    const { Readable } = await import('node:stream');
    await tagged.put('sys/c/s/2026/01/x/data.tar', Readable.from([Buffer.from('artifact')]));
    await tagged.put('sys/c/s/2026/01/x/manifest.json', Readable.from([Buffer.from('{}')]));
    const tags = async (k: string) => (await server().client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: `warm/${k}` }))).TagSet;
    expect(await tags('sys/c/s/2026/01/x/data.tar')).toEqual([{ Key: 'strata-role', Value: 'artifact' }]);
    expect(await tags('sys/c/s/2026/01/x/manifest.json')).toEqual([]);

    // Object lock cannot be added to an existing bucket: a problem, not a change.
    const locked = { ...tier, immutable: { mode: 'compliance' as const, days: 3 } };
    const again = await readBucketSettings(storage);
    expect(diffBucketSettings(desiredBucketSettings(locked), again).filter((c) => c.kind === 'object-lock')).toEqual([]);
    expect(bucketProblems(desiredBucketSettings(locked), again).map((p) => p.message)).toEqual([
      `bucket ${bucket} was created without object lock, so tier warm cannot be immutable`,
    ]);
  });

  it.skipIf(bins.skip)('the CLI loop: apply writes hot (local), warm (S3) and cold (S3, object lock); ls shows three copies; restore from each', async () => {
    const root = await makeTempDir('strata-s3-cli-');
    const key = await generateAgeKey(root);
    await mkdir(join(root, 'data/nested'), { recursive: true });
    await writeFile(join(root, 'data/index.html'), '<h1>hello</h1>\n');
    await writeFile(join(root, 'data/nested/blob.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256)));
    const warm = await server().createBucket();
    const cold = await server().createBucket({ objectLock: true });
    const policy = `version: 1
system: s3loop
sources:
  site: { type: files, paths: [./data] }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  warm:
    storage: { type: s3, bucket: ${warm}, prefix: strata/, endpoint: "\${env:TEST_S3_ENDPOINT}", force_path_style: true }
    storage_class: ${server().radosgw ? 'STANDARD_IA' : 'STANDARD'}
  cold:
    storage: { type: s3, bucket: ${cold}, prefix: strata/, endpoint: "\${env:TEST_S3_ENDPOINT}", force_path_style: true }
    immutable: { mode: governance, days: 1 }
defaults:
  compression: zstd
  encryption: { age_recipients: [${key.recipient}] }
categories:
  web:
    rpo: 1h
    rto: 30m
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies:
      - { tier: hot, keep: { last: 2 } }
      - { tier: warm, keep: { daily: 7 } }
      - { tier: cold, keep: { daily: 7 } }
    verify: { checksum: every-backup, restore_test: never }
`;
    await writeFile(join(root, 'policy.yaml'), policy);
    const env = {
      STRATA_POLICIES: join(root, 'policy.yaml'),
      STRATA_STATE_DIR: join(root, 'state'),
      STRATA_AGE_IDENTITY_FILE: key.identityFile,
      TEST_S3_ENDPOINT: server().endpoint,
    };
    const validate = await runCli(['validate'], env);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);
    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain(server().endpoint); // resolved ${env:} values never printed

    const ls = JSON.parse((await runCli(['ls', '--json'], env)).stdout);
    expect(ls.backups).toHaveLength(1);
    expect([...ls.backups[0].tiers].sort()).toEqual(['cold', 'hot', 'warm']);
    const original = await readdir(join(root, 'data'), { recursive: true });
    for (const tier of ['hot', 'warm', 'cold']) {
      const target = join(root, `restored-${tier}`);
      const restored = await runCli(['restore', 'web', '--from', tier, '--to', target], env);
      expect(restored.code, restored.stderr).toBe(0);
      const base = join(target, root.slice(1), 'data');
      expect((await readdir(base, { recursive: true })).sort()).toEqual([...original].sort());
      expect(await readFile(join(base, 'nested/blob.bin'))).toEqual(await readFile(join(root, 'data/nested/blob.bin')));
    }
  });
});
