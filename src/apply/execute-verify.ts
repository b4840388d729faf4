// checksum: re-read every copy of every backup of the category; restore_test: restore the newest backup of
// each source from the first tier into scratch; drill: the same from the last (most remote) tier, timed
// against the RTO. Every result becomes evidence in the state dir.
import { restoreTest } from '../backup/restore-test.js';
import { verifyChecksum } from '../backup/verify-checksum.js';
import type { CatalogEntry } from '../model/catalog.js';
import type { VerificationRecord } from '../model/evidence.js';
import { formatDuration } from '../model/duration.js';
import type { ResolvedCategory } from '../model/policy-model.js';
import { scanTier } from '../observe/scan-tier.js';
import type { VerifyCheck } from '../plan/plan-model.js';
import { recordVerification } from '../state/evidence-store.js';
import { appendRunRecord } from '../state/run-log.js';
import { categoryOf, storageFor, type ApplyContext, type SystemContext } from './apply-context.js';

async function entriesOf(system: SystemContext, tier: string, category: string): Promise<CatalogEntry[]> {
  const { entries } = await scanTier(storageFor(system, tier), tier, `${system.policy.system}/${category}/`);
  return entries.filter((e) => e.manifest.category === category);
}

function newestPerSource(entries: readonly CatalogEntry[]): CatalogEntry[] {
  const newest = new Map<string, CatalogEntry>();
  for (const entry of entries) {
    const current = newest.get(entry.manifest.source);
    if (!current || entry.manifest.started_at > current.manifest.started_at) newest.set(entry.manifest.source, entry);
  }
  return [...newest.values()].sort((a, b) => a.manifest.source.localeCompare(b.manifest.source));
}

async function checksumAll(system: SystemContext, category: ResolvedCategory, ctx: ApplyContext): Promise<VerificationRecord> {
  const details: string[] = [];
  const ids = new Set<string>();
  for (const copy of category.copies) {
    for (const entry of await entriesOf(system, copy.tier, category.name)) {
      const result = await verifyChecksum(entry, storageFor(system, copy.tier));
      details.push(...result.details.map((d) => `${copy.tier}/${entry.manifest.id}: ${d}`));
      if (result.ok) ids.add(entry.manifest.id);
    }
  }
  return {
    kind: 'checksum', system: system.policy.system, category: category.name, at: ctx.now().toISOString(),
    ok: details.length === 0, backup_ids: [...ids].sort(), details,
  };
}

async function restoreAll(
  system: SystemContext,
  category: ResolvedCategory,
  tier: string,
  kind: 'restore_test' | 'drill',
  ctx: ApplyContext,
): Promise<VerificationRecord> {
  const newest = newestPerSource(await entriesOf(system, tier, category.name));
  const missing = category.data.filter((d) => !newest.some((e) => e.manifest.source === d.source)).map((d) => d.source);
  const record: VerificationRecord = {
    kind, system: system.policy.system, category: category.name, at: ctx.now().toISOString(), ok: true,
    backup_ids: [], tier, duration_ms: 0, bytes: 0,
    details: missing.map((s) => `no backup of source ${s} in tier ${tier}`),
  };
  for (const entry of newest) {
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
