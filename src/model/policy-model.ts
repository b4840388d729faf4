// The resolved policy: what the planner, renderers and appliers work from. Built by src/policy from the
// raw YAML (types in src/generated/policy.ts). Secrets stay as unresolved `${env:…}` strings here.
import type { Keep, Lifecycle, Source, Storage } from '../generated/policy.js';
import { parseDuration } from './duration.js';

/** How long a pre-restore snapshot is kept when the policy does not say (`pre_restore_keep`). */
export const DEFAULT_PRE_RESTORE_KEEP = '7d';

export type Cadence = string; // every-backup | hourly | daily | weekly | monthly | quarterly | yearly | never | duration

export interface ResolvedScheduler {
  type: 'systemd' | 'cron' | 'none';
  /** Absolute unit directory (systemd) or cron file (cron). */
  target?: string;
  strataBin: string;
  /** Absolute path passed as --policies by installed schedules. */
  policyPath: string;
  environmentFile?: string;
  user?: string;
}

export interface ResolvedTier {
  name: string;
  description?: string;
  /** Storage with local paths made absolute; S3 fields may still hold `${env:…}` strings. */
  storage: Storage;
  storageClass?: string;
  sse?: string;
  kmsKeyId?: string;
  immutable?: { mode: 'governance' | 'compliance'; days: number };
  offsite: boolean;
  /** S3 bucket versioning wanted (true: enabled, false: suspended); undefined leaves the bucket alone. */
  versioning?: boolean;
  /** S3 lifecycle rule Strata owns for this tier, as written. */
  lifecycle?: Lifecycle;
}

export interface ResolvedDataRef {
  source: string;
  sourceType: Source['type'];
  include?: string[];
  exclude?: string[];
}

export interface ResolvedCopy {
  tier: string;
  keep: Keep;
  /** Copy at most once per this period (cold tiers); absent: every backup is copied. */
  every?: string;
}

export interface ResolvedCategory {
  name: string;
  description?: string;
  rpo: string;
  rto: string;
  rpoMs: number;
  rtoMs: number;
  data: ResolvedDataRef[];
  schedule: { full: string; incremental?: string; timezone: string };
  copies: ResolvedCopy[];
  verify: { checksum: Cadence; restoreTest: Cadence; drill: Cadence };
  compression: 'zstd' | 'gzip' | 'none';
  compressionLevel: number;
  /** age recipients; empty means the artifacts are not encrypted. */
  recipients: string[];
  /** How long pre-restore snapshots are kept (a duration); absent: DEFAULT_PRE_RESTORE_KEEP. */
  preRestoreKeep?: string;
}

export function preRestoreKeepMs(category: Pick<ResolvedCategory, 'preRestoreKeep'>): number {
  return parseDuration(category.preRestoreKeep ?? DEFAULT_PRE_RESTORE_KEEP);
}

export interface ResolvedPolicy {
  /** Absolute path of the policy file. */
  file: string;
  system: string;
  description?: string;
  scheduler: ResolvedScheduler;
  /** Absolute directory where apply keeps rendered runbooks, if configured. */
  renderDir?: string;
  /** Sources by name; files paths made absolute; secrets unresolved. */
  sources: Record<string, Source>;
  tiers: Record<string, ResolvedTier>;
  /** Sorted by name, so everything derived from them is deterministic. */
  categories: ResolvedCategory[];
}
