// An unreachable MongoDB gives a clear, prompt error from probe, backup and restore, names the hosts and
// never the credentials; a failed backup leaves nothing in storage. Needs no server: runs everywhere.
import { Readable } from 'node:stream';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { mongodbEngine } from '../../../../src/engines/mongodb/mongodb-engine.js';
import type { BackupRequest } from '../../../../src/engines/engine.js';
import { createSecretResolver } from '../../../../src/policy/secrets.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { closedPort } from '../../../helpers/mongodb-server.js';
import { mongoFixture } from './policy-fixture.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const PLANTED = 'Pl4nted-m0ngo-s3cret';

function requestFor(uri: string): BackupRequest {
  return {
    name: 'app-db',
    source: { type: 'mongodb', uri: '${env:STRATA_IT_MONGO_UNREACHABLE}' },
    data: { source: 'app-db', sourceType: 'mongodb' },
    resolveSecret: (value) => value.replace('${env:STRATA_IT_MONGO_UNREACHABLE}', uri),
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

describe('mongodb: unreachable server', () => {
  it('probe fails within the short server selection timeout, naming the host but not the credentials', async () => {
    const port = await closedPort();
    const uri = `mongodb://backup:${PLANTED}@127.0.0.1:${port}/app`;
    const started = Date.now();
    const message = await failure(mongodbEngine.probe!(requestFor(uri)));
    expect(Date.now() - started).toBeLessThan(4_500); // plan gives a probe 5 s in all
    expect(message).toMatch(new RegExp(`mongodb source "app-db": cannot connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    expect(message).not.toContain(PLANTED);
    expect(message).not.toContain('backup:');
  });

  it('backup fails clearly and leaves nothing behind', async () => {
    const port = await closedPort();
    const uri = `mongodb://backup:${PLANTED}@127.0.0.1:${port}/?serverSelectionTimeoutMS=500`;
    const work = await makeTempDir();
    const fixture = mongoFixture({ storageRoot: join(work, 'storage'), source: { uri: '${env:STRATA_IT_MONGO_UNREACHABLE}' }, compression: 'gzip' });
    const resolveSecret = createSecretResolver({ STRATA_IT_MONGO_UNREACHABLE: uri });
    const message = await failure(runBackup({ ...fixture, resolveSecret }));
    expect(message).toMatch(new RegExp(`backup of test-system/critical/app-db to tier hot failed: mongodb source "app-db": cannot connect to 127\\.0\\.0\\.1:${port}`));
    expect(message).not.toContain(PLANTED);
    const scan = await scanTier(fixture.storages.get('hot')!, 'hot', 'test-system/');
    expect(scan.entries).toEqual([]);
    expect(scan.debris).toEqual([]);
  });

  it('restore fails clearly, before reading the archive, and releases the input', async () => {
    const port = await closedPort();
    const uri = `mongodb://backup:${PLANTED}@127.0.0.1:${port}/restored?serverSelectionTimeoutMS=500`;
    const input = Readable.from([Buffer.alloc(1024)]);
    const message = await failure(mongodbEngine.restore({ ...requestFor(uri), target: uri }, input));
    expect(message).toMatch(new RegExp(`mongodb restore of source "app-db": cannot connect to 127\\.0\\.0\\.1:${port}`));
    expect(message).not.toContain(PLANTED);
    expect(input.destroyed).toBe(true);
  });

  it('refuses a malformed URI without echoing it', async () => {
    const message = await failure(mongodbEngine.probe!(requestFor(`postgres://backup:${PLANTED}@127.0.0.1/app`)));
    expect(message).toMatch(/must start with mongodb:\/\/ or mongodb\+srv:\/\//);
    expect(message).not.toContain(PLANTED);
  });
});
