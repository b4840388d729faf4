// checksum: re-read every copy of every backup of the category, and report every damaged copy the scan
// found (a missing or short artifact, an unreadable manifest) as a failure; restore_test: restore the newest
// backup of each source from the first tier into scratch; drill: the same from the last (most remote) tier,
// timed against the RTO. A newest backup whose copy there is damaged fails the test instead of being passed
// over. Every result becomes evidence in the state dir, with the copies a checksum found damaged.
import { restoreTest } from '../backup/restore-test.js';
import { verifyChecksum } from '../backup/verify-checksum.js';
import { isRegularBackup, type CatalogEntry, type DamagedBackup } from '../model/catalog.js';
import type { CopyCheck, VerificationRecord } from '../model/evidence.js';
import { formatDuration } from '../model/duration.js';
import { startedAtFromId } from '../model/layout.js';
import type { ResolvedCategory } from '../model/policy-model.js';
import { scanTier } from '../observe/scan-tier.js';
import type { VerifyCheck } from '../plan/plan-model.js';
import { recordVerification } from '../state/evidence-store.js';
import { appendRunRecord } from '../state/run-log.js';
import { categoryOf, storageFor, type ApplyContext, type SystemContext } from './apply-context.js';

async function scanOf(system: SystemContext, tier: string, category: string): Promise<{ entries: CatalogEntry[]; damaged: DamagedBackup[] }> {
  const scan = await scanTier(storageFor(system, tier), tier, `${system.policy.system}/${category}/`);
  return { entries: scan.entries.filter((e) => e.manifest.category === category), damaged: scan.damaged.filter((d) => d.category === category) };
}

function isDamaged(item: CatalogEntry | DamagedBackup): item is DamagedBackup {
  return 'found_by' in item;
}

/** The newest backup per source: a good entry, or a damaged copy when that is newer (regular backups only). */
export function newestPerSource(entries: readonly CatalogEntry[], damaged: readonly DamagedBackup[]): (CatalogEntry | DamagedBackup)[] {
  const newest = new Map<string, { at: string; item: CatalogEntry | DamagedBackup }>();
  const consider = (source: string, at: string, item: CatalogEntry | DamagedBackup) => {
    const current = newest.get(source);
    if (!current || at > current.at) newest.set(source, { at, item });
  };
  for (const entry of entries.filter(isRegularBackup)) consider(entry.manifest.source, entry.manifest.started_at, entry);
  for (const d of damaged) {
    if (d.manifest && !isRegularBackup({ manifest: d.manifest })) continue;
    consider(d.source, d.manifest?.started_at ?? startedAtFromId(d.id) ?? '', d);
  }
  return [...newest.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v.item);
}

async function checksumAll(system: SystemContext, category: ResolvedCategory, ctx: ApplyContext): Promise<VerificationRecord> {
  const details: string[] = [];
  const ids = new Set<string>();
  const failed = new Set<string>();
  const copies: CopyCheck[] = [];
  for (const copy of category.copies) {
    let scan;
    try {
      scan = await scanOf(system, copy.tier, category.name);
    } catch (error) {
      details.push(`${copy.tier}: cannot read the tier: ${(error as Error).message}`);
      continue;
    }
    for (const d of scan.damaged) {
      details.push(`${copy.tier}/${d.id}: damaged: ${d.problem}`);
      copies.push({ tier: copy.tier, backup_id: d.id, source: d.source, ok: false, problem: d.problem });
      failed.add(d.id);
    }
    for (const entry of scan.entries) {
      const result = await verifyChecksum(entry, storageFor(system, copy.tier));
      details.push(...result.details.map((d) => `${copy.tier}/${entry.manifest.id}: ${d}`));
      copies.push({
        tier: copy.tier, backup_id: entry.manifest.id, source: entry.manifest.source, ok: result.ok,
        ...(result.ok ? {} : { problem: result.details.join('; ') }),
      });
      if (result.ok) ids.add(entry.manifest.id);
      else failed.add(entry.manifest.id);
    }
  }
  // A backup counts as checksummed only when every copy of it passed.
  return {
    kind: 'checksum', system: system.policy.system, category: category.name, at: ctx.now().toISOString(),
    ok: details.length === 0, backup_ids: [...ids].filter((id) => !failed.has(id)).sort(), details, copies,
  };
}

async function restoreAll(
  system: SystemContext,
  category: ResolvedCategory,
  tier: string,
  kind: 'restore_test' | 'drill',
  ctx: ApplyContext,
): Promise<VerificationRecord> {
  const scan = await scanOf(system, tier, category.name);
  const newest = newestPerSource(scan.entries, scan.damaged);
  const sourceOf = (item: CatalogEntry | DamagedBackup) => (isDamaged(item) ? item.source : item.manifest.source);
  const missing = category.data.filter((d) => !newest.some((e) => sourceOf(e) === d.source)).map((d) => d.source);
  const record: VerificationRecord = {
    kind, system: system.policy.system, category: category.name, at: ctx.now().toISOString(), ok: true,
    backup_ids: [], tier, duration_ms: 0, bytes: 0,
    details: missing.map((s) => `no backup of source ${s} in tier ${tier}`),
  };
  for (const entry of newest) {
    if (isDamaged(entry)) {
      record.details.push(`${entry.source}: the newest backup ${entry.id} in tier ${tier} is damaged: ${entry.problem}`);
      continue;
    }
    const result = await restoreTest({
      entry, storage: storageFor(system, tier), policy: system.policy, identityFile: ctx.identityFile, resolveSecret: ctx.resolveSecret,
      stateDir: ctx.stateDir,
    });
    record.backup_ids.push(entry.manifest.id);
    record.duration_ms = (record.duration_ms ?? 0) + (result.duration_ms ?? 0);
    record.bytes = (record.bytes ?? 0) + (result.bytes ?? 0);
    record.details.push(...result.details.map((d) => `${entry.manifest.source}: ${d}`));
    if (result.warnings) (record.warnings ??= []).push(...result.warnings.map((w) => `${entry.manifest.source}: ${w}`));
    if (!result.ok) record.ok = false;
  }
  if (kind === 'drill' && (record.duration_ms ?? 0) > category.rtoMs) {
    record.details.push(`restore took ${formatDuration(record.duration_ms ?? 0)}, longer than the rto of ${category.rto}`);
  }
  record.ok = record.ok && record.details.length === 0;
  record.at = ctx.now().toISOString();
  return record;
}

export async function executeVerify(
  action: { category: string; check: VerifyCheck },
  system: SystemContext,
  ctx: ApplyContext,
): Promise<VerificationRecord> {
  const category = categoryOf(system, action.category);
  const started = Date.now();
  let record: VerificationRecord;
  try {
    if (action.check === 'checksum') record = await checksumAll(system, category, ctx);
    else {
      const tiers = category.copies.map((c) => c.tier);
      const tier = (action.check === 'drill' ? tiers[tiers.length - 1] : tiers[0]) as string;
      record = await restoreAll(system, category, tier, action.check, ctx);
    }
  } catch (error) {
    record = {
      kind: action.check, system: system.policy.system, category: category.name, at: ctx.now().toISOString(),
      ok: false, backup_ids: [], details: [(error as Error).message],
    };
  }
  await recordVerification(ctx.stateDir, record);
  await appendRunRecord(ctx.stateDir, {
    at: record.at, system: system.policy.system, category: category.name, job: `verify:${action.check}`,
    ok: record.ok, duration_ms: Date.now() - started, backup_ids: record.backup_ids,
    ...(record.ok ? {} : { error: record.details.join('; ') }),
  });
  if (!record.ok) throw new Error(`${action.check} of ${category.name} failed: ${record.details.join('; ')}`);
  return record;
}
