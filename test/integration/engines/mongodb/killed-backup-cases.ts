// The cases of the MongoDB crash test, shared by the real-server suite (killed-backup.test.ts) and the
// FAKE-mongod suite (../mongodb-fake/killed-backup.test.ts): a backup that dies part-way leaves no backup.
// SIGKILLed mid-dump, only manifest-less debris remains (which cleanup removes) and the process's
// connections go away; aborted in-process, nothing at all remains. The next backup works.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { expect, it } from 'vitest';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { removeDebris, scanTier } from '../../../../src/observe/scan-tier.js';
import { mongoFixture, mongoSingleSource, type MongoFixtureOptions } from './policy-fixture.js';
import { killMidBackup, tempBytes, listAll } from '../../../helpers/kill-mid-backup.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { withUploadHook } from '../../../helpers/upload-hook.js';
import { parseMongoUri, formatMongoUri } from '../../../../src/engines/mongodb/mongo-uri.js';

const repo = join(import.meta.dirname, '..', '..', '..', '..');

function withAppName(uri: string, appName: string): string {
  const parsed = parseMongoUri(uri);
  return formatMongoUri({ ...parsed, query: [...parsed.query.filter(([k]) => k.toLowerCase() !== 'appname'), ['appName', appName]] });
}

/** ~16 MiB of incompressible documents, so the throttled dump is still running when it is killed. */
export async function seedKillData(client: MongoClient, database: string): Promise<void> {
  const docs = Array.from({ length: 4000 }, (_, i) => ({ _id: i, blob: randomBytes(3000).toString('base64') }));
  for (let at = 0; at < docs.length; at += 500) await client.db(database).collection('blobs').insertMany(docs.slice(at, at + 500) as never[]);
}

/** The crash test's cases, for a server at `uri()` whose `database` holds seedKillData's documents. */
export function killedBackupCases(uri: () => string, client: () => MongoClient, database: string): void {
  it('SIGKILL mid-dump leaves only debris, which cleanup removes; the dump connections close', async () => {
    const work = await makeTempDir();
    const appName = `strata-kill-${randomBytes(4).toString('hex')}`;
    const options: MongoFixtureOptions = { storageRoot: join(work, 'storage'), source: { uri: withAppName(uri(), appName), include: [database] }, compression: 'none' };
    const fixture = mongoFixture(options);
    const connections = async (): Promise<number> => {
      const ops = await client().db('admin').aggregate([{ $currentOp: { allUsers: true, idleConnections: true } }, { $match: { appName } }]).toArray();
      return ops.length;
    };
    const { ended, killedAt, output } = await killMidBackup(
      ['--import', 'tsx', join(import.meta.dirname, '../../../helpers/throttled-backup-child.ts'), JSON.stringify({ fixture: mongoSingleSource(options), throttleMs: 100 })],
      {
        cwd: repo,
        progress: () => tempBytes(fixture.root),
        atBytes: 256 << 10,
        beforeKill: async () => {
          expect(await connections()).toBeGreaterThan(0);
        },
        timeoutMs: 60_000,
      },
    );
    expect(ended, `child output:\n${output}`).toBe('SIGKILL');
    expect(killedAt > 0).toBe(true);
    expect(output).not.toMatch(/^done/m);

    const storage = fixture.storages.get('hot')!;
    const scan = await scanTier(storage, 'hot', 'test-system/');
    expect(scan.entries).toEqual([]);
    expect(scan.debris).toHaveLength(1);
    expect(scan.debris[0]!.reason).toMatch(/no manifest/);
    await removeDebris(storage, scan.debris[0]!);
    expect(await listAll(storage)).toEqual([]);

    const gone = Date.now() + 15_000;
    while ((await connections()) > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
    expect(await connections()).toBe(0);

    // The next backup of the same source works.
    const result = await runBackup({ ...mongoFixture(options), resolveSecret: (v) => v });
    expect(result.manifest.stats[`docs:${database}.blobs`]).toBe(4000);
  });

  it('an aborted backup leaves nothing in storage', async () => {
    const work = await makeTempDir();
    const fixture = mongoFixture({ storageRoot: join(work, 'storage'), source: { uri: uri(), include: [database] }, compression: 'gzip' });
    const inner = fixture.storages.get('hot')!;

    const controller = new AbortController();
    const aborting = { ...fixture, storages: new Map([['hot', withUploadHook(inner, () => controller.abort())]]) };
    await expect(runBackup({ ...aborting, resolveSecret: (v) => v, signal: controller.signal })).rejects.toThrow(/aborted/);
    expect(await listAll(inner)).toEqual([]);
  });
}
