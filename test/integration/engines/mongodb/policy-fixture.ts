// A resolved policy with one mongodb source and one local tier, for data-path tests (no YAML involved).
// Kept apart from test/helpers/mongodb-server.ts (which imports vitest) so child processes can use it.
import { join } from 'node:path';
import type { MongodbSource } from '../../../../src/generated/policy.js';
import type { ResolvedCategory, ResolvedDataRef, ResolvedPolicy } from '../../../../src/model/policy-model.js';
import { LocalStorage } from '../../../../src/storage/local/local-storage.js';
import type { Storage } from '../../../../src/storage/storage.js';

export interface MongoFixtureOptions {
  storageRoot: string;
  source: Omit<MongodbSource, 'type'>;
  include?: string[];
  exclude?: string[];
  recipients?: string[];
  compression?: 'zstd' | 'gzip' | 'none';
}

export interface MongoFixture {
  policy: ResolvedPolicy;
  category: ResolvedCategory;
  data: ResolvedDataRef;
  storages: Map<string, Storage>;
  root: string;
}

/** A resolved policy with one mongodb source (`app-db`) and one local tier (`hot`). */
export function mongoFixture(options: MongoFixtureOptions): MongoFixture {
  const root = join(options.storageRoot, 'hot');
  const data: ResolvedDataRef = {
    source: 'app-db',
    sourceType: 'mongodb',
    ...(options.include ? { include: options.include } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
  };
  const category: ResolvedCategory = {
    name: 'critical',
    rpo: '1h',
    rto: '1h',
    rpoMs: 3_600_000,
    rtoMs: 3_600_000,
    data: [data],
    schedule: { full: '0 * * * *', timezone: 'UTC' },
    copies: [{ tier: 'hot', keep: { last: 3 } }],
    verify: { checksum: 'every-backup', restoreTest: 'weekly', drill: 'never' },
    compression: options.compression ?? 'zstd',
    compressionLevel: 3,
    recipients: options.recipients ?? [],
  };
  const policy: ResolvedPolicy = {
    file: join(options.storageRoot, 'policy.yaml'),
    system: 'test-system',
    scheduler: { type: 'none', strataBin: '/usr/local/bin/strata', policyPath: join(options.storageRoot, 'policy.yaml') },
    sources: { 'app-db': { type: 'mongodb', ...options.source } },
    tiers: { hot: { name: 'hot', storage: { type: 'local', path: root }, offsite: false } },
    categories: [category],
  };
  return { policy, category, data, storages: new Map([['hot', new LocalStorage(root)]]), root };
}
