// Hand-built resolved policies for renderer tests (independent of the YAML loader).
import type { ResolvedCategory, ResolvedPolicy, ResolvedTier } from '../../../src/model/policy-model.js';
import type { CategoryEvidence } from '../../../src/model/evidence.js';

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

export function makeCategory(overrides: Partial<ResolvedCategory> & Pick<ResolvedCategory, 'name'>): ResolvedCategory {
  return {
    description: undefined,
    rpo: '24h',
    rto: '4h',
    rpoMs: 24 * 3_600_000,
    rtoMs: 4 * 3_600_000,
    data: [{ source: 'uploads', sourceType: 'files' }],
    schedule: { full: '0 2 * * *', timezone: 'UTC' },
    copies: [{ tier: 'hot', keep: { daily: 7 } }],
    verify: { checksum: 'every-backup', restoreTest: 'weekly', drill: 'never' },
    compression: 'zstd',
    compressionLevel: 3,
    recipients: [RECIPIENT],
    ...overrides,
  };
}

const tiers: Record<string, ResolvedTier> = {
  hot: { name: 'hot', description: 'Fast local disk', storage: { type: 'local', path: '/var/backups/strata' }, offsite: false },
  warm: {
    name: 'warm',
    storage: {
      type: 's3',
      bucket: 'sc-backups',
      prefix: 'warm/',
      region: 'eu-central-1',
      endpoint: '${env:S3_ENDPOINT}',
      force_path_style: true,
    },
    storageClass: 'STANDARD_IA',
    offsite: true,
  },
  cold: {
    name: 'cold',
    storage: { type: 's3', bucket: 'sc-archive' },
    storageClass: 'GLACIER',
    immutable: { mode: 'governance', days: 90 },
    offsite: true,
  },
};

/** A representative policy: every source type, local + S3 tiers, systemd scheduler. */
export function makePolicy(overrides: Partial<ResolvedPolicy> = {}): ResolvedPolicy {
  return {
    file: '/srv/repo/policies/sketchy-chain.yaml',
    system: 'sketchy-chain',
    description: 'Sketchy Chain: prompt designer and its data',
    scheduler: {
      type: 'systemd',
      target: '/etc/systemd/system',
      strataBin: '/usr/local/bin/strata',
      policyPath: '/etc/strata/policies',
      environmentFile: '/etc/strata/strata.env',
      user: 'strata',
    },
    renderDir: '/srv/repo/runbooks/sketchy-chain',
    sources: {
      'app-db': { type: 'mongodb', uri: '${env:MONGO_URI}' },
      cache: { type: 'redis', url: 'redis://:hunter2-literal@cache:6379/0', mode: 'rdb' },
      ledger: { type: 'postgres', url: '${env:PG_URL}', databases: ['ledger'] },
      uploads: { type: 'files', paths: ['/srv/uploads', '/srv/avatars'], exclude: ['**/*.tmp'] },
    },
    tiers,
    categories: [
      makeCategory({
        name: 'critical',
        description: 'Sketches, versions, prompt history',
        rpo: '5m',
        rto: '1h',
        rpoMs: 5 * 60_000,
        rtoMs: 3_600_000,
        data: [
          { source: 'app-db', sourceType: 'mongodb', include: ['promptdesigner.sketches', 'promptdesigner.versions'] },
          { source: 'ledger', sourceType: 'postgres' },
        ],
        schedule: { full: '0 2 * * *', incremental: '*/5 * * * *', timezone: 'UTC' },
        copies: [
          { tier: 'hot', keep: { hourly: 24, daily: 2 } },
          { tier: 'warm', keep: { daily: 30, weekly: 12 } },
          { tier: 'cold', keep: { monthly: 12, yearly: 7 } },
        ],
        verify: { checksum: 'every-backup', restoreTest: 'weekly', drill: 'quarterly' },
      }),
      makeCategory({
        name: 'sessions',
        description: 'User sessions | cache',
        rpo: '1h',
        rto: '4h',
        rpoMs: 3_600_000,
        data: [{ source: 'cache', sourceType: 'redis' }],
        schedule: { full: '0 * * * *', timezone: 'UTC' },
        copies: [{ tier: 'hot', keep: { last: 3, hourly: 24 } }],
        verify: { checksum: 'daily', restoreTest: 'never', drill: 'never' },
        compression: 'gzip',
        compressionLevel: 6,
        recipients: [],
      }),
      makeCategory({
        name: 'uploads',
        description: 'User uploads and avatars',
        data: [{ source: 'uploads', sourceType: 'files', exclude: ['cache/**'] }],
        schedule: { full: '30 3 1,15 * sun', timezone: 'Europe/Berlin' },
        copies: [
          { tier: 'hot', keep: { daily: 7, weekly: 4 } },
          { tier: 'warm', keep: { monthly: 6 } },
        ],
        verify: { checksum: '14d', restoreTest: 'monthly', drill: 'never' },
      }),
    ],
    ...overrides,
  };
}

/** Evidence for the fixture: critical has a measured restore; the others have none. */
export function makeEvidence(): Record<string, CategoryEvidence> {
  return {
    critical: {
      checksum: {
        kind: 'checksum', system: 'sketchy-chain', category: 'critical', at: '2026-11-20T02:10:00.000Z', ok: true,
        backup_ids: ['20261120T020000Z-a1b2c3'], details: [],
      },
      restore_test: {
        kind: 'restore_test', system: 'sketchy-chain', category: 'critical', at: '2026-11-19T04:12:00.000Z', ok: true,
        backup_ids: ['20261119T020000Z-d4e5f6'], tier: 'hot', duration_ms: 754_000, bytes: 3_250_000_000, details: [],
      },
      last_good_restore: {
        kind: 'restore_test', system: 'sketchy-chain', category: 'critical', at: '2026-11-19T04:12:00.000Z', ok: true,
        backup_ids: ['20261119T020000Z-d4e5f6'], tier: 'hot', duration_ms: 754_000, bytes: 3_250_000_000, details: [],
      },
      verified_backup_ids: ['20261119T020000Z-d4e5f6'],
    },
    sessions: { verified_backup_ids: [] },
    uploads: {
      restore_test: {
        kind: 'restore_test', system: 'sketchy-chain', category: 'uploads', at: '2026-11-01T04:10:00.000Z', ok: false,
        backup_ids: ['20261101T023000Z-0f0f0f'], tier: 'hot', duration_ms: 12_000, details: ['file count 1200 != 1201'],
      },
      verified_backup_ids: [],
    },
  };
}
