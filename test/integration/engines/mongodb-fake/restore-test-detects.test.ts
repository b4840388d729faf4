// FAKE mongod: a restore test finds a backup whose data no longer matches its manifest's stats. The
// archive (a plain tar: no compression, no encryption) is altered and its checksums recomputed, as a
// backup rewritten consistently by someone (or something) would be: the checksum verification passes,
// the restore runs, and the comparison of what the scratch databases hold with the stats must fail.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreTest } from '../../../../src/backup/restore-test.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { endOfArchive, fileEntry, directoryHeader } from '../../../../src/engines/mongodb/tar-frames.js';
import { readTar } from '../../../../src/engines/mongodb/tar-read.js';
import type { CatalogEntry } from '../../../../src/model/catalog.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { mongoFixture } from '../mongodb/policy-fixture.js';
import { announceFake, seedFakeShop, useFakeMongod } from './fake-fixture.js';

announceFake('restore-test-detects.test.ts');

const identity = (value: string): string => value;

/** The tar rebuilt entry by entry, leaving out the entries `drop` selects. */
async function rebuildTar(tar: Buffer, drop: (path: string) => boolean): Promise<Buffer> {
  const parts: Buffer[] = [];
  const mtime = new Date();
  for await (const entry of readTar(Readable.from([tar]))) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry.body()) chunks.push(chunk);
    if (drop(entry.path)) continue;
    parts.push(entry.type === 'Directory' ? directoryHeader(entry.path, mtime) : fileEntry(entry.path, Buffer.concat(chunks), mtime));
  }
  return Buffer.concat([...parts, endOfArchive()]);
}

describe('FAKE mongod: a restore test detects altered backups', () => {
  const fake = useFakeMongod();
  let client: MongoClient;

  beforeAll(async () => {
    client = new MongoClient(fake().uri);
    await client.connect();
    await seedFakeShop(client, { shop: 'shop', cms: 'cms' });
  });

  afterAll(async () => {
    await client?.close();
  });

  async function backupThenAlter(alter: (tar: Buffer) => Promise<Buffer> | Buffer) {
    const work = await makeTempDir();
    const fixture = mongoFixture({ storageRoot: join(work, 'storage'), source: { uri: fake().uri, include: ['shop'] }, compression: 'none' });
    await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const [entry] = (await scanTier(storage, 'hot', 'test-system/')).entries;
    const untouched = await restoreTest({ entry: entry!, storage, policy: fixture.policy, resolveSecret: identity });
    expect(untouched.details).toEqual([]);

    const file = join(fixture.root, entry!.dir, entry!.manifest.artifact);
    const altered = await alter(await readFile(file));
    await writeFile(file, altered);
    const sha256 = createHash('sha256').update(altered).digest('hex');
    const rewritten: CatalogEntry = { ...entry!, manifest: { ...entry!.manifest, size: altered.length, sha256, raw_size: altered.length, raw_sha256: sha256 } };
    return restoreTest({ entry: rewritten, storage, policy: fixture.policy, resolveSecret: identity });
  }

  it('finds a changed document (the sampled documents differ)', async () => {
    const record = await backupThenAlter((tar) => {
      const at = tar.indexOf('user5@example.com');
      expect(at).toBeGreaterThan(0);
      const copy = Buffer.from(tar);
      copy.write('user5@example.con', at, 'latin1');
      return copy;
    });
    expect(record.ok).toBe(false);
    expect(record.details).toHaveLength(1);
    expect(record.details[0]).toMatch(/^shop\.users: the sampled documents differ from the backup's \(digest \d+, restored \d+\)$/);
  });

  it('finds a collection missing from the archive', async () => {
    const record = await backupThenAlter((tar) => rebuildTar(tar, (path) => path.startsWith('shop/cache.')));
    expect(record.ok).toBe(false);
    expect(record.details).toEqual(expect.arrayContaining(['collections: expected 5, restored 4', 'docs: expected 498, restored 488', 'docs:shop.cache: expected 10, restored 0', 'shop.cache: in the backup, but not restored']));
  });
});
