// Run one backup (first tier, then copies), then the every-backup checksum of each copy.
import { runBackup } from '../backup/run-backup.js';
import { verifyChecksum } from '../backup/verify-checksum.js';
import { cadenceIntervalMs } from '../model/cadence.js';
import { copyPeriodMs, isCopyDue } from '../model/copy-cadence.js';
import { isRegularBackup } from '../model/catalog.js';
import type { ResolvedCategory } from '../model/policy-model.js';
import { scanTier } from '../observe/scan-tier.js';
import type { Manifest } from '../model/manifest.js';
import type { CopyCheck, VerificationRecord } from '../model/evidence.js';
import type { BackupAction } from '../plan/plan-model.js';
import { recordVerification } from '../state/evidence-store.js';
import { appendRunRecord } from '../state/run-log.js';
import { categoryOf, storageFor, type ActionProgress, type ApplyContext, type SystemContext } from './apply-context.js';

/** The tiers with `every` whose newest copy of this source is old enough to take this backup. */
async function dueTiersOf(system: SystemContext, category: ResolvedCategory, source: string, at: Date): Promise<string[]> {
  const due: string[] = [];
  for (const copy of category.copies.slice(1)) {
    const period = copyPeriodMs(copy.every);
    if (period === undefined) continue;
    try {
      const { entries } = await scanTier(storageFor(system, copy.tier), copy.tier, `${system.policy.system}/${category.name}/${source}/`);
      const times = entries
        .filter((e) => isRegularBackup(e) && e.manifest.category === category.name && e.manifest.source === source)
        .map((e) => new Date(e.manifest.started_at));
      const newest = times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : undefined;
      if (isCopyDue(period, newest, at)) due.push(copy.tier);
    } catch {
      // An unreadable tier: attempt the copy, so that its failure is reported rather than silently skipped.
      due.push(copy.tier);
    }
  }
  return due;
}

export async function executeBackup(
  action: Pick<BackupAction, 'category' | 'source'>,
  system: SystemContext,
  ctx: ApplyContext,
  onProgress: ActionProgress,
): Promise<Manifest> {
  const category = categoryOf(system, action.category);
  const data = category.data.find((d) => d.source === action.source);
  if (!data) throw new Error(`source ${action.source} is not part of category ${category.name}`);
  const started = Date.now();
  try {
    const { manifest, dir, tiers } = await runBackup({
      policy: system.policy,
      category,
      data,
      storages: system.storages,
      resolveSecret: ctx.resolveSecret,
      now: ctx.now,
      onProgress: (p) => onProgress(p.phase, p.bytes),
      onWarning: (message) => ctx.log(`warning: ${message}`),
      dueTiers: await dueTiersOf(system, category, action.source, ctx.now()),
    });
    if (cadenceIntervalMs(category.verify.checksum) === 'every-backup') {
      const details: string[] = [];
      const copies: CopyCheck[] = [];
      for (const tier of tiers) {
        const result = await verifyChecksum({ tier, dir, manifest }, storageFor(system, tier));
        details.push(...result.details.map((d) => `${tier}: ${d}`));
        copies.push({ tier, backup_id: manifest.id, source: manifest.source, ok: result.ok, ...(result.ok ? {} : { problem: result.details.join('; ') }) });
      }
      const record: VerificationRecord = {
        kind: 'checksum', system: system.policy.system, category: category.name, at: ctx.now().toISOString(),
        ok: details.length === 0, backup_ids: [manifest.id], details, copies,
      };
      await recordVerification(ctx.stateDir, record);
      if (!record.ok) throw new Error(`backup ${manifest.id} was written but its checksum verification failed: ${details.join('; ')}`);
    }
    await appendRunRecord(ctx.stateDir, {
      at: ctx.now().toISOString(), system: system.policy.system, category: category.name, job: 'backup',
      ok: true, duration_ms: Date.now() - started, backup_ids: [manifest.id],
    });
    return manifest;
  } catch (error) {
    await appendRunRecord(ctx.stateDir, {
      at: ctx.now().toISOString(), system: system.policy.system, category: category.name, job: 'backup',
      ok: false, duration_ms: Date.now() - started, error: (error as Error).message,
    });
    throw error;
  }
}
