// Fault injection between the SDK and the S3 server: 500s, throttling and dropped connections are retried;
// a persistent fault fails the backup cleanly (no manifest, the multipart upload aborted) and the next run
// succeeds; a download cut mid-body resumes where it stopped.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { restoreBackup } from '../../../src/backup/restore-backup.js';
import { runBackup } from '../../../src/backup/run-backup.js';
import { scanTier } from '../../../src/observe/scan-tier.js';
import { MIB } from '../../../src/storage/s3/s3-options.js';
import { writeIncompressibleFile } from '../../helpers/bulk-data.js';
import { filesFixture } from '../../helpers/files-policy.js';
import { describeS3 } from '../../helpers/s3-server.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { diffTrees, snapshotTree } from '../../helpers/tree-snapshot.js';
import { FaultProxy, isGetObject, isUploadPart } from './fault-proxy.js';
import { identity, incompleteUploads, s3Storage, s3Tier, withStorages } from './s3-fixture.js';

describeS3('S3 under faults', (server) => {
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
