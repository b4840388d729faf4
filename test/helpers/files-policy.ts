// A resolved policy with one files source and local tiers, for data-path tests (no YAML involved).
import { join } from 'node:path';
import type { ResolvedCategory, ResolvedDataRef, ResolvedPolicy } from '../../src/model/policy-model.js';
import { LocalStorage } from '../../src/storage/local/local-storage.js';
import type { Storage } from '../../src/storage/storage.js';

export interface FilesPolicyOptions {
  /** Directory under which each tier gets its own storage root (`<root>/<tier>`). */
  storageRoot: string;
  paths: string[];
  exclude?: string[];
  dataExclude?: string[];
  compression?: 'zstd' | 'gzip' | 'none';
  level?: number;
  recipients?: string[];
  tiers?: string[];
  system?: string;
  category?: string;
  source?: string;
}

export interface FilesFixture {
  policy: ResolvedPolicy;
  category: ResolvedCategory;
  data: ResolvedDataRef;
  storages: Map<string, Storage>;
  /** Storage root directory per tier. */
  roots: Record<string, string>;
}

export function filesFixture(options: FilesPolicyOptions): FilesFixture {
  const system = options.system ?? 'test-system';
  const source = options.source ?? 'uploads';
  const tiers = options.tiers ?? ['hot'];
  const roots: Record<string, string> = {};
  const storages = new Map<string, Storage>();
  for (const tier of tiers) {
    roots[tier] = join(options.storageRoot, tier);
    storages.set(tier, new LocalStorage(roots[tier]));
  }
  const data: ResolvedDataRef = { source, sourceType: 'files', ...(options.dataExclude ? { exclude: options.dataExclude } : {}) };
  const category: ResolvedCategory = {
    name: options.category ?? 'critical',
    rpo: '1h',
    rto: '1h',
    rpoMs: 3_600_000,
    rtoMs: 3_600_000,
    data: [data],
    schedule: { full: '0 * * * *', timezone: 'UTC' },
    copies: tiers.map((tier) => ({ tier, keep: { last: 3 } })),
    verify: { checksum: 'every-backup', restoreTest: 'weekly', drill: 'never' },
    compression: options.compression ?? 'zstd',
    compressionLevel: options.level ?? 3,
    recipients: options.recipients ?? [],
  };
  const policy: ResolvedPolicy = {
    file: join(options.storageRoot, 'policy.yaml'),
    system,
    scheduler: { type: 'none', strataBin: '/usr/local/bin/strata', policyPath: join(options.storageRoot, 'policy.yaml') },
    sources: { [source]: { type: 'files', paths: options.paths as [string, ...string[]], ...(options.exclude ? { exclude: options.exclude } : {}) } },
    tiers: Object.fromEntries(tiers.map((tier) => [tier, { name: tier, storage: { type: 'local' as const, path: roots[tier]! }, offsite: false }])),
    categories: [category],
  };
  return { policy, category, data, storages, roots };
}

export const identity = (value: string): string => value;
