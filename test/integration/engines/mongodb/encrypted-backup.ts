// One encrypted (zstd + age) MongoDB backup to a local tier, with a restore function bound to it: the
// round trips against a real server (round-trip.test.ts) and against the FAKE mongod share it.
import { join } from 'node:path';
import { expect } from 'vitest';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import type { MongodbSource } from '../../../../src/generated/policy.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { generateAgeKey } from '../../../helpers/age-key.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';
import { mongoFixture } from './policy-fixture.js';

const identity = (value: string): string => value;

export interface EncryptedBackupOptions {
  /** The source as the policy declares it (uri, include, exclude). */
  source: Omit<MongodbSource, 'type'>;
  /** The category's include / exclude. */
  include?: string[];
  exclude?: string[];
}

export async function encryptedBackup(options: EncryptedBackupOptions) {
  const work = await makeTempDir();
  const key = await generateAgeKey(work);
  const fixture = mongoFixture({ storageRoot: join(work, 'storage'), source: options.source, include: options.include, exclude: options.exclude, recipients: [key.recipient] });
  const result = await runBackup({ ...fixture, resolveSecret: identity });
  const storage = fixture.storages.get('hot')!;
  const scan = await scanTier(storage, 'hot', 'test-system/');
  expect(scan.debris).toEqual([]);
  expect(scan.entries).toHaveLength(1);
  const entry = scan.entries[0]!;
  const restore = (target: string, more: { only?: string[]; replace?: boolean } = {}) =>
    restoreBackup({ entry, storage, policy: fixture.policy, target, identityFile: key.identityFile, resolveSecret: identity, ...more });
  return { result, storage, entry, fixture, key, restore };
}
