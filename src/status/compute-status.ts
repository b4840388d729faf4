// Per category: age of the last good backup against the RPO, every verification's last result, damaged
// copies, measured restore time against the RTO. Pure: the CLI feeds it the catalogue and evidence.
// Only good regular backups count: pre-restore snapshots and damaged copies never make a category fresh.
import { isRegularBackup, type CatalogEntry, type DamagedBackup } from '../model/catalog.js';
import { checksumDamaged, trustedEntries } from '../model/damage.js';
import type { CategoryEvidence, VerificationKind, VerificationRecord } from '../model/evidence.js';
import type { ResolvedPolicy } from '../model/policy-model.js';

export interface VerificationStatus {
  kind: VerificationKind;
  at: string;
  ok: boolean;
  /** What failed; empty when ok. */
  details: string[];
}

export interface DamagedStatus {
  backup_id: string;
  source: string;
  tier: string;
  problem: string;
  found_by: DamagedBackup['found_by'];
  at?: string;
}

export interface CategoryStatus {
  system: string;
  category: string;
  rpo_seconds: number;
  rto_seconds: number;
  last_backup_at?: string;
  last_backup_age_seconds?: number;
  rpo_ok: boolean;
  /** Newest good backup per source; a source with none counts as a breach. */
  sources: { source: string; last_backup_at?: string; backup_id?: string; tiers: string[] }[];
  last_verification?: { kind: string; at: string; ok: boolean };
  /** The last result of each kind of verification that has run. */
  verifications: VerificationStatus[];
  /** False when the last result of any kind of verification failed. */
  verification_ok: boolean;
  /** Copies that cannot be trusted (found by a tier scan or a checksum verification). */
  damaged: DamagedStatus[];
  measured_restore_seconds?: number;
  restore_throughput_bytes_per_second?: number;
  rto_ok?: boolean;
}

function verificationOf(record: VerificationRecord): VerificationStatus {
  return { kind: record.kind, at: record.at, ok: record.ok, details: record.details };
}

export function computeStatus(
  policies: readonly ResolvedPolicy[],
  entries: readonly CatalogEntry[],
  evidence: Record<string, Record<string, CategoryEvidence>>,
  now: Date,
  damaged: readonly DamagedBackup[] = [],
): CategoryStatus[] {
  const out: CategoryStatus[] = [];
  for (const policy of policies) {
    for (const category of policy.categories) {
      const ev = evidence[policy.system]?.[category.name];
      const all = entries.filter((e) => e.manifest.system === policy.system && e.manifest.category === category.name);
      const bad = [
        ...damaged.filter((d) => d.system === policy.system && d.category === category.name),
        ...checksumDamaged(all, ev?.damaged_copies),
      ];
      const good = trustedEntries(all, bad).filter(isRegularBackup);
      const sources = category.data.map((d) => {
        const mine = good.filter((e) => e.manifest.source === d.source);
        const newest = [...mine].sort((a, b) => b.manifest.started_at.localeCompare(a.manifest.started_at))[0];
        return {
          source: d.source,
          ...(newest ? { last_backup_at: newest.manifest.started_at, backup_id: newest.manifest.id } : {}),
          tiers: newest ? [...new Set(mine.filter((e) => e.manifest.id === newest.manifest.id).map((e) => e.tier))].sort() : [],
        };
      });
      // The category is only as fresh as its stalest source.
      const oldest = sources.some((s) => !s.last_backup_at) ? undefined : sources.map((s) => s.last_backup_at as string).sort()[0];
      const ageSeconds = oldest ? Math.max(0, Math.round((now.getTime() - Date.parse(oldest)) / 1000)) : undefined;
      const records = [ev?.checksum, ev?.restore_test, ev?.drill].filter((r) => r !== undefined);
      const lastVerification = [...records].sort((a, b) => b.at.localeCompare(a.at))[0];
      const restore = ev?.last_good_restore;
      const restoreSeconds = restore?.duration_ms !== undefined ? restore.duration_ms / 1000 : undefined;
      out.push({
        system: policy.system,
        category: category.name,
        rpo_seconds: category.rpoMs / 1000,
        rto_seconds: category.rtoMs / 1000,
        ...(oldest ? { last_backup_at: oldest, last_backup_age_seconds: ageSeconds } : {}),
        rpo_ok: ageSeconds !== undefined && ageSeconds * 1000 <= category.rpoMs,
        sources,
        ...(lastVerification ? { last_verification: { kind: lastVerification.kind, at: lastVerification.at, ok: lastVerification.ok } } : {}),
        verifications: records.map(verificationOf),
        verification_ok: records.every((r) => r.ok),
        damaged: bad.map((d) => ({
          backup_id: d.id, source: d.source, tier: d.tier, problem: d.problem, found_by: d.found_by, ...(d.at ? { at: d.at } : {}),
        })),
        ...(restoreSeconds !== undefined
          ? {
              measured_restore_seconds: restoreSeconds,
              rto_ok: restoreSeconds * 1000 <= category.rtoMs,
              ...(restore?.bytes && restoreSeconds > 0 ? { restore_throughput_bytes_per_second: Math.round(restore.bytes / restoreSeconds) } : {}),
            }
          : {}),
      });
    }
  }
  return out;
}
