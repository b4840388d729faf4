// FAKE mongod: a server that goes away. Once the fake is closed, probe, backup and restore fail promptly
// with the engine's clear error naming the host (never the credentials); a server that dies in the
// middle of a dump fails the backup, naming the collection being read, and leaves nothing in storage.
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { runBackup } from '../../../../src/backup/run-backup.js';
import type { BackupRequest } from '../../../../src/engines/engine.js';
import { mongodbEngine } from '../../../../src/engines/mongodb/mongodb-engine.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { createSecretResolver } from '../../../../src/policy/secrets.js';
import { startFakeMongod } from '../../../helpers/fake-mongod/fake-mongod.js';
import { listAll } from '../../../helpers/kill-mid-backup.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { withUploadHook } from '../../../helpers/upload-hook.js';
import { mongoFixture } from '../mongodb/policy-fixture.js';
import { announceFake } from './fake-fixture.js';

announceFake('unreachable.test.ts');

const PLANTED = 'Pl4nted-f4ke-s3cret';

function requestFor(uri: string): BackupRequest {
  return {
    name: 'app-db',
    source: { type: 'mongodb', uri: '${env:STRATA_IT_FAKE_MONGO}' },
    data: { source: 'app-db', sourceType: 'mongodb' },
    resolveSecret: createSecretResolver({ STRATA_IT_FAKE_MONGO: uri }),
  };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

describe('FAKE mongod: mongodb: a server that goes away', () => {
  it('probe, backup and restore fail promptly and clearly once the server is closed', async () => {
    const fake = await startFakeMongod();
    const port = fake.port;
    await fake.close();
    const uri = `mongodb://backup:${PLANTED}@127.0.0.1:${port}/app?serverSelectionTimeoutMS=500`;

    const started = Date.now();
    const probe = await failure(mongodbEngine.probe!(requestFor(uri)));
    expect(Date.now() - started).toBeLessThan(4_500);
    expect(probe).toMatch(new RegExp(`^mongodb source "app-db": cannot connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));

    const work = await makeTempDir();
    const fixture = mongoFixture({ storageRoot: join(work, 'storage'), source: { uri: '${env:STRATA_IT_FAKE_MONGO}' }, compression: 'gzip' });
    const backup = await failure(runBackup({ ...fixture, resolveSecret: createSecretResolver({ STRATA_IT_FAKE_MONGO: uri }) }));
    expect(backup).toMatch(new RegExp(`backup of test-system/critical/app-db to tier hot failed: mongodb source "app-db": cannot connect to 127\\.0\\.0\\.1:${port}`));
    expect(await listAll(fixture.storages.get('hot')!)).toEqual([]);

    const input = Readable.from([Buffer.alloc(1024)]);
    const restore = await failure(mongodbEngine.restore({ ...requestFor(uri), target: uri }, input));
    expect(restore).toMatch(new RegExp(`^mongodb restore of source "app-db": cannot connect to 127\\.0\\.0\\.1:${port}`));
    expect(input.destroyed).toBe(true);
    for (const message of [probe, backup, restore]) expect(message).not.toContain(PLANTED);
  });

  it('a server that dies mid-dump fails the backup, naming what was being read, and leaves nothing behind', async () => {
    const fake = await startFakeMongod();
    try {
      const client = new MongoClient(fake.uri);
      await client.connect();
      // Two collections of ~3 MiB: the server goes away while the first is uploaded, before the second is read.
      for (const name of ['a_first', 'b_second']) {
        await client.db('app').collection(name).insertMany(Array.from({ length: 600 }, (_, i) => ({ i, pad: 'p'.repeat(5000) })));
      }
      await client.close();
      const work = await makeTempDir();
      const uri = `${fake.uri}app?serverSelectionTimeoutMS=500`;
      const fixture = mongoFixture({ storageRoot: join(work, 'storage'), source: { uri }, compression: 'none' });
      const inner = fixture.storages.get('hot')!;
      const dying = new Map([['hot', withUploadHook(inner, () => void fake.close(), 1 << 20)]]);
      const message = await failure(runBackup({ ...fixture, storages: dying, resolveSecret: (v) => v }));
      expect(message).toMatch(/^backup of test-system\/critical\/app-db to tier hot failed: mongodb source "app-db": dump failed at app\.b_second: /);
      const scan = await scanTier(inner, 'hot', 'test-system/');
      expect(scan.entries).toEqual([]);
      expect(await listAll(inner)).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
