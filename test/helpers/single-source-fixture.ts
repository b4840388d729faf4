// A resolved policy with one source, one category and one local tier, for data-path tests of any engine
// (no YAML, no vitest import, so child processes can use it too).
import { join } from 'node:path';
import type { Source } from '../../src/generated/policy.js';
import type { ResolvedCategory, ResolvedDataRef, ResolvedPolicy } from '../../src/model/policy-model.js';
import { LocalStorage } from '../../src/storage/local/local-storage.js';
import type { Storage } from '../../src/storage/storage.js';

export interface SingleSourceOptions {
  storageRoot: string;
  sourceName: string;
  source: Source;
  categoryName?: string;
  /** The category's data-ref filters (the source's own live in `source`). */
  include?: string[];
  exclude?: string[];
  compression?: 'zstd' | 'gzip' | 'none';
  recipients?: string[];
}

export interface SingleSourceFixture {
  policy: ResolvedPolicy;
  category: ResolvedCategory;
  data: ResolvedDataRef;
  storages: Map<string, Storage>;
  root: string;
}

export function singleSourceFixture(options: SingleSourceOptions): SingleSourceFixture {
  const root = join(options.storageRoot, 'hot');
  const data: ResolvedDataRef = {
    source: options.sourceName,
    sourceType: options.source.type,
    ...(options.include ? { include: options.include } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
  };
  const category: ResolvedCategory = {
    name: options.categoryName ?? 'critical',
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
  const policyFile = join(options.storageRoot, 'policy.yaml');
  const policy: ResolvedPolicy = {
    file: policyFile,
    system: 'test-system',
    scheduler: { type: 'none', strataBin: '/usr/local/bin/strata', policyPath: policyFile },
    sources: { [options.sourceName]: options.source },
    tiers: { hot: { name: 'hot', storage: { type: 'local', path: root }, offsite: false } },
    categories: [category],
  };
  return { policy, category, data, storages: new Map([['hot', new LocalStorage(root)]]), root };
}
