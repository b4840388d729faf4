// Raw (schema-valid) policy → ResolvedPolicy: defaults filled in, relative paths made absolute against the
// policy file's directory, categories sorted. Secrets stay as written.
import * as path from 'node:path';
import type { Category, Source, StrataPolicy, Tier } from '../generated/policy.js';
import { parseDuration } from '../model/duration.js';
import type { ResolvedCategory, ResolvedPolicy, ResolvedScheduler, ResolvedTier } from '../model/policy-model.js';

export const DEFAULT_STRATA_BIN = '/usr/local/bin/strata';
export const DEFAULT_ENVIRONMENT_FILE = '/etc/strata/strata.env';
export const DEFAULT_TIMEZONE = 'UTC';
export const DEFAULT_COMPRESSION = 'zstd';
export const DEFAULT_COMPRESSION_LEVEL = 3;
export const DEFAULT_VERIFY = { checksum: 'every-backup', restoreTest: 'weekly', drill: 'never' } as const;

/** Relative paths are relative to the policy file; a path that starts with a `${…}` reference is left alone. */
export function resolveAgainst(dir: string, p: string): string {
  if (p.startsWith('${') || path.isAbsolute(p)) return p;
  return path.resolve(dir, p);
}

export function resolvePolicy(file: string, raw: StrataPolicy): ResolvedPolicy {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  const sources: Record<string, Source> = {};
  for (const name of Object.keys(raw.sources).sort()) sources[name] = resolveSource(dir, raw.sources[name] as Source);
  const tiers: Record<string, ResolvedTier> = {};
  for (const name of Object.keys(raw.tiers).sort()) tiers[name] = resolveTier(dir, name, raw.tiers[name] as Tier);
  const categories = Object.keys(raw.categories)
    .sort()
    .map((name) => resolveCategory(name, raw.categories[name] as Category, raw, sources));
  const policy: ResolvedPolicy = {
    file: abs,
    system: raw.system,
    scheduler: resolveScheduler(dir, abs, raw),
    sources,
    tiers,
    categories,
  };
  if (raw.description !== undefined) policy.description = raw.description;
  if (raw.render) policy.renderDir = resolveAgainst(dir, raw.render.dir);
  return policy;
}

function resolveSource(dir: string, s: Source): Source {
  const out = structuredClone(s);
  if (out.type === 'files') out.paths = out.paths.map((p) => resolveAgainst(dir, p)) as [string, ...string[]];
  if (out.type === 'redis' && out.tls) {
    for (const key of ['ca_file', 'cert_file', 'key_file'] as const) {
      const file = out.tls[key];
      if (file !== undefined) out.tls[key] = resolveAgainst(dir, file);
    }
  }
  return out;
}

function resolveTier(dir: string, name: string, t: Tier): ResolvedTier {
  const storage = structuredClone(t.storage);
  if (storage.type === 'local') storage.path = resolveAgainst(dir, storage.path);
  const out: ResolvedTier = { name, storage, offsite: t.offsite ?? storage.type !== 'local' };
  if (t.description !== undefined) out.description = t.description;
  if (t.storage_class !== undefined) out.storageClass = t.storage_class;
  if (t.sse !== undefined) out.sse = t.sse;
  if (t.kms_key_id !== undefined) out.kmsKeyId = t.kms_key_id;
  if (t.immutable !== undefined) out.immutable = { ...t.immutable };
  if (t.versioning !== undefined) out.versioning = t.versioning;
  if (t.lifecycle !== undefined) out.lifecycle = structuredClone(t.lifecycle);
  return out;
}

function resolveScheduler(dir: string, file: string, raw: StrataPolicy): ResolvedScheduler {
  const s = raw.scheduler ?? { type: 'none' as const };
  if (s.type === 'none') return { type: 'none', strataBin: DEFAULT_STRATA_BIN, policyPath: file };
  const out: ResolvedScheduler = {
    type: s.type,
    target: resolveAgainst(dir, s.type === 'systemd' ? s.unit_dir : s.file),
    strataBin: s.strata_bin ?? DEFAULT_STRATA_BIN,
    policyPath: s.policy_path ?? file,
  };
  if (s.type === 'systemd') {
    out.environmentFile = s.environment_file ?? DEFAULT_ENVIRONMENT_FILE;
    if (s.user !== undefined) out.user = s.user;
  } else {
    if (s.environment_file !== undefined) out.environmentFile = s.environment_file;
    out.user = s.user ?? 'root';
  }
  return out;
}

function resolveCategory(name: string, c: Category, raw: StrataPolicy, sources: Record<string, Source>): ResolvedCategory {
  const out: ResolvedCategory = {
    name,
    rpo: c.rpo,
    rto: c.rto,
    rpoMs: parseDuration(c.rpo),
    rtoMs: parseDuration(c.rto),
    data: c.data.map((d) => {
      const ref: ResolvedCategory['data'][number] = { source: d.source, sourceType: sources[d.source]?.type ?? 'files' };
      if (d.include !== undefined) ref.include = [...d.include];
      if (d.exclude !== undefined) ref.exclude = [...d.exclude];
      return ref;
    }),
    schedule: { full: c.schedule.full.trim(), timezone: c.schedule.timezone ?? DEFAULT_TIMEZONE },
    copies: c.copies.map((copy) => ({ tier: copy.tier, keep: { ...copy.keep }, ...(copy.every !== undefined ? { every: copy.every } : {}) })),
    verify: {
      checksum: c.verify?.checksum ?? DEFAULT_VERIFY.checksum,
      restoreTest: c.verify?.restore_test ?? DEFAULT_VERIFY.restoreTest,
      drill: c.verify?.drill ?? DEFAULT_VERIFY.drill,
    },
    compression: c.compression ?? raw.defaults?.compression ?? DEFAULT_COMPRESSION,
    compressionLevel: c.compression_level ?? raw.defaults?.compression_level ?? DEFAULT_COMPRESSION_LEVEL,
    recipients: [...(c.encryption?.age_recipients ?? raw.defaults?.encryption?.age_recipients ?? [])],
  };
  if (c.description !== undefined) out.description = c.description;
  if (c.schedule.incremental !== undefined) out.schedule.incremental = c.schedule.incremental.trim();
  const preRestoreKeep = c.pre_restore_keep ?? raw.defaults?.pre_restore_keep;
  if (preRestoreKeep !== undefined) out.preRestoreKeep = preRestoreKeep;
  return out;
}
