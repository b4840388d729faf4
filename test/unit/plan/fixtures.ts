// Hand-built resolved policies and observed states for planner tests (no YAML, no I/O).
import type { CatalogEntry } from '../../../src/model/catalog.js';
import type { Manifest } from '../../../src/model/manifest.js';
import type { ResolvedCategory, ResolvedPolicy } from '../../../src/model/policy-model.js';
import type { Observed, ObservedSystem } from '../../../src/plan/observed-model.js';

export const NOW = new Date('2026-11-21T12:30:00Z');

export function category(overrides: Partial<ResolvedCategory> = {}): ResolvedCategory {
  return {
    name: 'files',
    rpo: '1h',
    rto: '1h',
    rpoMs: 3_600_000,
    rtoMs: 3_600_000,
    data: [{ source: 'uploads', sourceType: 'files' }],
    schedule: { full: '0 * * * *', timezone: 'UTC' },
    copies: [
      { tier: 'hot', keep: { hourly: 24, daily: 7 } },
      { tier: 'offsite', keep: { daily: 7 } },
    ],
    verify: { checksum: 'every-backup', restoreTest: 'weekly', drill: 'never' },
    compression: 'zstd',
    compressionLevel: 3,
    recipients: [],
    ...overrides,
  };
}

export function policy(overrides: Partial<ResolvedPolicy> = {}): ResolvedPolicy {
  return {
    file: '/repo/policies/demo.yaml',
    system: 'demo',
    scheduler: { type: 'none', strataBin: '/usr/local/bin/strata', policyPath: '/repo/policies/demo.yaml' },
    sources: { uploads: { type: 'files', paths: ['/srv/uploads'] } },
    tiers: {
      hot: { name: 'hot', storage: { type: 'local', path: '/backups/hot' }, offsite: false },
      offsite: { name: 'offsite', storage: { type: 'local', path: '/mnt/offsite' }, offsite: true },
    },
    categories: [category()],
    ...overrides,
  };
}

export function entry(tier: string, startedAt: string, overrides: Partial<Manifest> = {}): CatalogEntry {
  const id = `${startedAt.slice(0, 19).replace(/[-:]/g, '')}Z-abc123`;
  const manifest: Manifest = {
    format_version: 1,
    id,
    system: 'demo',
    category: 'files',
    source: 'uploads',
    source_type: 'files',
    kind: 'full',
    started_at: startedAt,
    finished_at: startedAt,
    artifact: 'data.tar.zst',
    size: 100,
    sha256: 'a'.repeat(64),
    raw_size: 200,
    raw_sha256: 'b'.repeat(64),
    codecs: { format: 'tar', compression: 'zstd', encryption: 'none' },
    recipient_fingerprints: [],
    stats: { files: 1 },
    strata_version: '0.1.0',
    ...overrides,
  };
  return { tier, dir: `demo/files/uploads/2026/11/${manifest.id}`, manifest };
}

export function observedSystem(overrides: Partial<ObservedSystem> = {}): ObservedSystem {
  return {
    system: 'demo',
    tiers: {
      hot: { location: '/backups/hot', entries: [], debris: [] },
      offsite: { location: '/mnt/offsite', entries: [], debris: [] },
    },
    schedules: {},
    rendered: {},
    evidence: {},
    unavailableSources: {},
    ...overrides,
  };
}

export function observed(system: ObservedSystem, identityAvailable = false): Observed {
  return { systems: { [system.system]: system }, identityAvailable };
}
