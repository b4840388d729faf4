// S3Storage against a real S3 server: put/get/head/list/delete, pagination, multipart streaming,
// failed uploads leaving nothing, incomplete uploads as debris, server-side copies, versioned deletes; and
// the same under injected faults. One file, so one radosgw start.
import { CreateMultipartUploadCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdir, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { runBackup } from '../../../src/backup/run-backup.js';
import { removeDebris, scanTier } from '../../../src/observe/scan-tier.js';
import { MIB } from '../../../src/storage/s3/s3-options.js';
import { writeIncompressibleFile } from '../../helpers/bulk-data.js';
import { filesFixture } from '../../helpers/files-policy.js';
import { describeS3 } from '../../helpers/s3-server.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { diffTrees, snapshotTree } from '../../helpers/tree-snapshot.js';
import { FaultProxy, isGetObject, isUploadPart } from './fault-proxy.js';
import { bytesStream, headObject, identity, incompleteUploads, readAll, s3Storage, s3Tier, sha256, versionCount, withStorages } from './s3-fixture.js';

describeS3('S3Storage', (server) => {
  it('puts, heads, gets, lists and deletes objects under the tier prefix', async () => {
    const bucket = await server().createBucket();
    const storage = s3Storage(server(), bucket);
    expect(storage.location).toBe(`s3://${bucket}/warm/`);
    const data = randomBytes(300_000);
    expect(await storage.put('sys/a/one.bin', bytesStream(data))).toEqual({ bytes: data.length });
    await storage.put('sys/b/two.bin', Readable.from([Buffer.from('two')]));
    await server().client.send(new PutObjectCommand({ Bucket: bucket, Key: 'elsewhere/x', Body: 'not in the tier' }));

    expect(sha256(await readAll(await storage.get('sys/a/one.bin')))).toBe(sha256(data));
    expect(await storage.head('sys/a/one.bin')).toMatchObject({ key: 'sys/a/one.bin', size: data.length });
    expect(await storage.head('sys/a/missing')).toBeUndefined();
    await expect(storage.get('sys/a/missing')).rejects.toThrow(`object sys/a/missing not found in s3://${bucket}/warm/`);

    const keys = async (prefix: string) => {
      const out = [];
      for await (const o of storage.list(prefix)) out.push(o.key);
      return out;
    };
    expect(await keys('sys/')).toEqual(['sys/a/one.bin', 'sys/b/two.bin']);
    expect(await keys('sys/a/')).toEqual(['sys/a/one.bin']);
    await storage.delete(['sys/a/one.bin', 'sys/never-existed']);
    expect(await keys('')).toEqual(['sys/b/two.bin']);
    for (const bad of ['../x', '/abs', 'a//b', '']) await expect(storage.put(bad, Readable.from([Buffer.from('x')]))).rejects.toThrow(/invalid storage key/);
  });

  it('pages through listings of objects, versions and multipart uploads', async () => {
    const bucket = await server().createBucket();
    const { PutBucketVersioningCommand } = await import('@aws-sdk/client-s3');
    await server().client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    // A page size of 4 makes the server paginate for real (radosgw honours max-keys / max-uploads).
    const storage = s3Storage(server(), bucket, { pageSize: 4 });
    const keys = Array.from({ length: 11 }, (_, i) => `sys/many/${String(i).padStart(2, '0')}`);
    await Promise.all(keys.map((k) => server().client.send(new PutObjectCommand({ Bucket: bucket, Key: `warm/${k}`, Body: 'x' }))));
    await Promise.all(keys.slice(0, 3).map((k) => server().client.send(new PutObjectCommand({ Bucket: bucket, Key: `warm/${k}`, Body: 'y' }))));
    const uploads = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) => server().client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `warm/sys/up/${i}` }))),
    );
    const listed = [];
    for await (const o of storage.list('sys/')) listed.push(o.key);
    expect(listed).toEqual(keys);
    const pending = [];
    for await (const u of storage.listIncompleteUploads('sys/')) pending.push(u.uploadId);
    expect(pending.sort()).toEqual(uploads.map((u) => u.UploadId).sort());
    await storage.delete(keys);
    expect(await versionCount(server(), bucket, 'warm/sys/many/')).toBe(0);
    for (const u of uploads) await storage.abortIncompleteUpload({ key: u.Key!.slice('warm/'.length), uploadId: u.UploadId! });
    expect(await incompleteUploads(server(), bucket)).toEqual([]);
  });

  it('streams a multi-part object through a multipart upload with bounded parts', async () => {
    const bucket = await server().createBucket();
    const storage = s3Storage(server(), bucket, { partSize: 5 * MIB, queueSize: 2 });
    const data = randomBytes(12 * MIB + 1234);
    expect(await storage.put('sys/big.bin', bytesStream(data))).toEqual({ bytes: data.length });
    const head = await headObject(server(), bucket, 'warm/sys/big.bin');
    expect(head.ETag).toMatch(/-3"$/); // three parts: 5 + 5 + 2 MiB
    expect(sha256(await readAll(await storage.get('sys/big.bin')))).toBe(sha256(data));
  });

  it('a failing source leaves no object and no incomplete multipart upload', async () => {
    const bucket = await server().createBucket();
    const storage = s3Storage(server(), bucket, { partSize: 5 * MIB, queueSize: 2 });
    const body = new PassThrough();
    const put = storage.put('sys/fail.bin', body);
    body.write(randomBytes(11 * MIB)); // two parts are under way
    await new Promise((r) => setTimeout(r, 300));
    body.destroy(new Error('engine died'));
    await expect(put).rejects.toThrow('engine died');
    expect(await storage.head('sys/fail.bin')).toBeUndefined();
    expect(await incompleteUploads(server(), bucket)).toEqual([]);
  });

  it('reports incomplete multipart uploads as debris and aborts them on cleanup', async () => {
    const bucket = await server().createBucket();
    const storage = s3Storage(server(), bucket);
    const dir = 'sys/cat/src/2026/01/20260101T000000Z-abcdef';
    const created = await server().client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: `warm/${dir}/data.tar.zst` }));
    await server().client.send(new UploadPartCommand({ Bucket: bucket, Key: `warm/${dir}/data.tar.zst`, UploadId: created.UploadId, PartNumber: 1, Body: randomBytes(1000) }));
    const scan = await scanTier(storage, 'warm', 'sys/');
    expect(scan.entries).toEqual([]);
    expect(scan.debris).toHaveLength(1);
    expect(scan.debris[0]).toMatchObject({
      dir,
      keys: [],
      reason: 'no manifest: interrupted backup (incomplete multipart upload only)',
      uploads: [{ key: `${dir}/data.tar.zst`, uploadId: created.UploadId }],
    });
    await removeDebris(storage, scan.debris[0]!);
    expect(await incompleteUploads(server(), bucket)).toEqual([]);
    expect((await scanTier(storage, 'warm', 'sys/')).debris).toEqual([]);
  });

  it('copies server-side between buckets on the same endpoint, with CopyObject and with UploadPartCopy', async () => {
    const [a, b] = [await server().createBucket(), await server().createBucket()];
    const from = s3Storage(server(), a);
    const to = s3Storage(server(), b, { copyThreshold: 6 * MIB, copyPartSize: 5 * MIB }, { storageClass: server().radosgw ? 'STANDARD_IA' : undefined });
    const small = randomBytes(100_000);
    const big = randomBytes(11 * MIB);
    await from.put('sys/small.bin', bytesStream(small));
    await from.put('sys/big.bin', bytesStream(big));
    expect(await to.copyFrom(from, 'sys/small.bin', small.length)).toBe(true);
    expect(await to.copyFrom(from, 'sys/big.bin', big.length)).toBe(true);
    expect(sha256(await readAll(await to.get('sys/small.bin')))).toBe(sha256(small));
    expect(sha256(await readAll(await to.get('sys/big.bin')))).toBe(sha256(big));
    expect((await headObject(server(), b, 'warm/sys/big.bin')).ETag).toMatch(/-3"$/);
    if (server().radosgw) expect((await headObject(server(), b, 'warm/sys/small.bin')).StorageClass).toBe('STANDARD_IA');
    // Another endpoint (here: the same server under another name) is not the same endpoint: the caller streams.
    const elsewhere = s3Storage(server(), b, {}, {}, server().endpoint.replace('127.0.0.1', 'localhost'));
    expect(await elsewhere.copyFrom(from, 'sys/small.bin', small.length)).toBe(false);
  });

  it('deletes every version on a versioned bucket, so retention really frees the data', async () => {
    const bucket = await server().createBucket();
    const { PutBucketVersioningCommand } = await import('@aws-sdk/client-s3');
    await server().client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const storage = s3Storage(server(), bucket);
    await storage.put('sys/v.bin', Readable.from([Buffer.from('one')]));
    await storage.put('sys/v.bin', Readable.from([Buffer.from('two')]));
    expect(await versionCount(server(), bucket, 'warm/sys/')).toBe(2);
    await storage.delete(['sys/v.bin']);
    expect(await versionCount(server(), bucket, 'warm/sys/')).toBe(0);
  });

  // Fault injection between the SDK and the server: 500s, throttling and dropped connections are retried;
  // a persistent fault fails the backup cleanly and the next run succeeds; a cut download resumes.
  describe('under faults', () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await FaultProxy.start(server().endpoint);
    });
    afterAll(async () => {
      await proxy?.close();
    });

    /** A 12 MiB files backup (three 5 MiB parts) to an S3 tier reached through the proxy. */
    async function setup() {
      proxy.clear();
      const bucket = await server().createBucket();
      const work = await makeTempDir();
      const source = join(work, 'src');
      await mkdir(source, { recursive: true });
      await writeIncompressibleFile(join(source, 'blob.bin'), 12 * MIB);
      // Fixed mtimes: the tree comparison after a restore includes them (whole seconds).
      await utimes(join(source, 'blob.bin'), 1_700_000_000, 1_700_000_000);
      await utimes(source, 1_700_000_000, 1_700_000_000);
      const tier = s3Tier(server(), 'warm', bucket, {}, proxy.endpoint);
      const storage = s3Storage(server(), bucket, { partSize: 5 * MIB, queueSize: 2, maxAttempts: 4, retryBaseMs: 20 }, {}, proxy.endpoint);
      const fixture = withStorages(filesFixture({ storageRoot: join(work, 'unused'), paths: [source], compression: 'none' }), [{ tier, storage }]);
      return { bucket, work, source, storage, fixture };
    }

    it('retries 500s, throttling and dropped connections during an upload, and the backup restores byte-equal', async () => {
      const { work, source, storage, fixture } = await setup();
      proxy.inject({ match: isUploadPart, action: 'status-500', times: 2 });
      proxy.inject({ match: isUploadPart, action: 'slow-down', times: 1 });
      proxy.inject({ match: isUploadPart, action: 'drop', times: 2 });
      const result = await runBackup({ ...fixture, resolveSecret: identity });
      const faulted = proxy.seen.filter((r) => r.fault !== undefined).map((r) => r.fault);
      expect(faulted.sort()).toEqual(['drop', 'drop', 'slow-down', 'status-500', 'status-500']);
      // Every fault cost one extra attempt of some part: 3 parts, 5 retries.
      expect(proxy.count(isUploadPart)).toBe(3 + 5);

      // The download is cut in the middle of the body twice: the read resumes with a ranged GET.
      proxy.inject({ match: isGetObject, action: 'drop-mid-response', times: 2 });
      const target = join(work, 'restored');
      const [entry] = (await scanTier(storage, 'warm', `${fixture.policy.system}/`)).entries;
      expect(entry?.manifest.id).toBe(result.manifest.id);
      await restoreBackup({ entry: entry!, storage, policy: fixture.policy, target, resolveSecret: identity });
      expect(proxy.seen.some((r) => r.fault === 'drop-mid-response')).toBe(true);
      expect(diffTrees(await snapshotTree(source), await snapshotTree(join(target, source.slice(1))))).toEqual([]);
    });

    it('a persistent fault fails the backup cleanly: clear error, no manifest, multipart upload aborted; the next run succeeds', async () => {
      const { bucket, storage, fixture } = await setup();
      proxy.inject({ match: isUploadPart, action: 'status-500', times: Infinity });
      const failed = runBackup({ ...fixture, resolveSecret: identity });
      await expect(failed).rejects.toThrow(
        new RegExp(`backup of test-system/critical/uploads to tier warm failed: S3 UploadPart of s3://${bucket}/warm/test-system/critical/uploads/\\d{4}/\\d{2}/[^/]+/data\\.tar failed after 4 attempts: HTTP 500 InternalError`),
      );
      // Each part tried maxAttempts times; lib-storage's other uploader stopped instead of reading the whole stream.
      expect(proxy.count(isUploadPart)).toBeGreaterThanOrEqual(4);
      expect(proxy.count(isUploadPart)).toBeLessThanOrEqual(3 * 4);
      const scan = await scanTier(storage, 'warm', `${fixture.policy.system}/`);
      expect(scan.entries).toEqual([]);
      expect(scan.debris).toEqual([]);
      expect(await incompleteUploads(server(), bucket)).toEqual([]);

      proxy.clear();
      const ok = await runBackup({ ...fixture, resolveSecret: identity });
      const after = await scanTier(storage, 'warm', `${fixture.policy.system}/`);
      expect(after.entries.map((e) => e.manifest.id)).toEqual([ok.manifest.id]);
      expect(after.debris).toEqual([]);
    });

    it('a download that keeps failing ends with an error naming the bucket, key and operation', async () => {
      const { bucket, storage, fixture } = await setup();
      const result = await runBackup({ ...fixture, resolveSecret: identity });
      proxy.inject({ match: isGetObject, action: 'drop-mid-response', times: Infinity });
      const body = await storage.get(`${result.dir}/${result.manifest.artifact}`);
      const drain = (async () => {
        for await (const chunk of body) void chunk;
      })();
      await expect(drain).rejects.toThrow(new RegExp(`S3 GetObject of s3://${bucket}/warm/${result.dir}/data\\.tar failed`));
    });
});
});
