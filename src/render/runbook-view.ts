// View models for the runbook templates: everything a template shows, precomputed and deterministic
// (no clock, stable order). Secrets never enter a view: sources show names, types and paths, never URLs.
import { buildEngineNotes, type EngineNote } from './engine-restore-notes.js';
import type { Source } from '../generated/policy.js';
import { cadenceIntervalMs } from '../model/cadence.js';
import { longestGap, rulesForScheduler } from '../model/cron.js';
import { formatDuration } from '../model/duration.js';
import type { CategoryEvidence, VerificationRecord } from '../model/evidence.js';
import type { ResolvedCategory, ResolvedPolicy } from '../model/policy-model.js';
import { describeKeep } from '../retention/select-retention.js';
import { formatInstant, formatSize, mdCell } from './format-text.js';
import { buildFallback, IDENTITY_VAR, type FallbackSource } from './manual-fallback.js';
import { backupLocation, storageSummary, tierRoot } from './tier-location.js';

export interface LatestBackup {
  tier: string;
  id: string;
  finished_at: string;
}

export interface RunbookInput {
  policy: ResolvedPolicy;
  /** Verification evidence by category name. */
  evidence: Record<string, CategoryEvidence>;
  /** Newest backups by category name, when the caller wants them in the runbook. */
  latest?: Record<string, LatestBackup[]>;
  /** Set by renderRunbooks when some paths are shown relative to a display base. */
  relativePaths?: boolean;
}

const FALLBACK_TOOL: Record<Source['type'], string> = {
  files: 'tar',
  redis: 'redis-server with the RDB file',
  postgres: 'pg_restore',
  mongodb: 'mongorestore --dir',
};

function verifyCommand(policy: ResolvedPolicy, category: string): string {
  return `strata run ${category} --job verify --policies ${policy.scheduler.policyPath}`;
}

// Counted as validate counts it: with the daylight-saving rules of the scheduler the policy renders.
function scheduleGap(policy: ResolvedPolicy, category: ResolvedCategory): { text: string; ok: boolean | undefined } {
  const exprs = [category.schedule.full, ...(category.schedule.incremental ? [category.schedule.incremental] : [])];
  try {
    const gap = longestGap(exprs, category.schedule.timezone || 'UTC', { rules: rulesForScheduler(policy.scheduler.type) });
    if (!Number.isFinite(gap.gapMs)) return { text: 'the schedule runs too rarely to measure', ok: false };
    return { text: `longest gap between scheduled backups: ${formatDuration(gap.gapMs)}`, ok: gap.gapMs <= category.rpoMs };
  } catch (error) {
    return { text: `schedule cannot be evaluated (${(error as Error).message})`, ok: undefined };
  }
}

function status(ok: boolean | undefined): string {
  return ok === undefined ? '—' : ok ? '✅ within target' : '❌ over target';
}

function describeRecord(record: VerificationRecord | undefined): string {
  if (!record) return 'not run yet';
  const what = record.backup_ids.length === 1 ? `backup ${record.backup_ids[0]}` : `${record.backup_ids.length} backups`;
  const where = record.tier ? ` in ${record.tier}` : '';
  const took = record.duration_ms !== undefined ? `, took ${formatDuration(record.duration_ms)}` : '';
  const result = record.ok ? 'passed' : `**failed**: ${record.details.join('; ') || 'no details'}`;
  return `${result} on ${formatInstant(record.at)} (${what}${where}${took})`;
}

function measuredRestore(policy: ResolvedPolicy, category: ResolvedCategory, evidence: CategoryEvidence | undefined) {
  const record = evidence?.last_good_restore;
  if (!record || record.duration_ms === undefined) {
    return {
      text: `not measured yet — run \`${verifyCommand(policy, category.name)}\``,
      ok: undefined as boolean | undefined,
      short: 'not measured',
      throughput: undefined as string | undefined,
    };
  }
  const rate =
    record.bytes !== undefined && record.duration_ms > 0
      ? `${formatSize(record.bytes)} at ${formatSize((record.bytes / record.duration_ms) * 1000)}/s`
      : undefined;
  const ok = record.duration_ms <= category.rtoMs;
  const kind = record.kind === 'drill' ? 'drill' : 'restore test';
  return {
    text: `${formatDuration(record.duration_ms)} (${kind} on ${formatInstant(record.at)}${record.tier ? ` from ${record.tier}` : ''}${rate ? `, ${rate}` : ''})`,
    ok,
    short: `${formatDuration(record.duration_ms)} ${ok ? '✅' : '❌'}`,
    throughput: rate,
  };
}

function describeSource(name: string, spec: Source | undefined, category: ResolvedCategory): string {
  const ref = category.data.find((d) => d.source === name);
  const parts: string[] = [];
  if (spec?.type === 'files') parts.push(`paths ${spec.paths.map((p) => `\`${p}\``).join(', ')}`);
  if (spec?.type === 'files' && spec.exclude?.length) parts.push(`excluding ${spec.exclude.map((p) => `\`${p}\``).join(', ')}`);
  if (spec?.type === 'redis') parts.push(`mode ${spec.mode ?? 'rdb'}`);
  if (spec?.type === 'postgres' && spec.databases?.length) parts.push(`databases ${spec.databases.join(', ')}`);
  if (ref?.include?.length) parts.push(`only ${ref.include.map((p) => `\`${p}\``).join(', ')}`);
  if (ref?.exclude?.length) parts.push(`without ${ref.exclude.map((p) => `\`${p}\``).join(', ')}`);
  return parts.join('; ') || '—';
}

function cadenceText(cadence: string): string {
  try {
    cadenceIntervalMs(cadence);
    return cadence;
  } catch {
    return `${cadence} (invalid)`;
  }
}

export interface CategoryView {
  system: string;
  name: string;
  description?: string;
  policyPath: string;
  strataBin: string;
  rpo: string;
  rto: string;
  rpoMeasured: string;
  rpoStatus: string;
  rtoMeasured: string;
  rtoStatus: string;
  restoreWarning?: string;
  schedule: { full: string; incremental?: string; timezone: string };
  verifications: { check: string; cadence: string; last: string }[];
  copies: { tier: string; storage: string; location: string; keep: string; offsite: string; immutable: string }[];
  sources: { name: string; type: string; what: string; fallbackTool: string }[];
  engineNotes: EngineNote[];
  onlyFiles: boolean;
  encrypted: boolean;
  identityVar: string;
  firstTier: string;
  restore: { dryRun: string; newest: string; at: string; backup: string; ls: string; otherTiers: { tier: string; command: string }[] };
  multipleSources: boolean;
  fallback: FallbackSource[];
  fallbackTools: string;
  checklist: string[];
  latest?: { tier: string; id: string; finished: string }[];
  relativePaths: boolean;
}

export function buildCategoryView(input: RunbookInput, category: ResolvedCategory): CategoryView {
  const { policy } = input;
  const evidence = input.evidence[category.name];
  const gap = scheduleGap(policy, category);
  const restore = measuredRestore(policy, category, evidence);
  const policyPath = policy.scheduler.policyPath;
  const encrypted = category.recipients.length > 0;
  const firstTier = category.copies[0]?.tier ?? '';
  // Database sources restore over the live source (with a pre-restore snapshot) or into a URL, not a directory.
  const onlyFiles = category.data.every((ref) => (policy.sources[ref.source]?.type ?? ref.sourceType) === 'files');
  const restoreCmd = (tier: string, extra = ''): string =>
    `strata restore ${category.name} --policies ${policyPath} --from ${tier}${onlyFiles ? ` --to /restore/${category.name}` : ''}` +
    `${encrypted ? ` --identity "$${IDENTITY_VAR}"` : ''}${extra}${onlyFiles || extra === ' --dry-run' ? '' : ' --yes'}`;
  const lastRestoreTest = evidence?.restore_test;

  const sources = category.data.map((ref) => {
    const spec = policy.sources[ref.source];
    const type = spec?.type ?? ref.sourceType;
    return {
      name: ref.source,
      type,
      what: mdCell(describeSource(ref.source, spec, category)),
      fallbackTool: FALLBACK_TOOL[type],
    };
  });
  const tools = new Set(['find', 'sort', 'sed', 'sha256sum']);
  if (encrypted) tools.add('age');
  if (category.compression !== 'none') tools.add(category.compression);
  tools.add('tar');
  const s3 = category.copies.some((c) => policy.tiers[c.tier]?.storage.type === 's3');

  return {
    system: policy.system,
    name: category.name,
    description: category.description,
    policyPath,
    strataBin: policy.scheduler.strataBin,
    rpo: category.rpo,
    rto: category.rto,
    rpoMeasured: gap.text,
    rpoStatus: status(gap.ok),
    rtoMeasured: restore.text,
    rtoStatus: status(restore.ok),
    restoreWarning:
      lastRestoreTest && !lastRestoreTest.ok
        ? `the last restore test failed on ${formatInstant(lastRestoreTest.at)}: ${lastRestoreTest.details.join('; ') || 'no details'}.`
        : undefined,
    schedule: { full: category.schedule.full, incremental: category.schedule.incremental, timezone: category.schedule.timezone || 'UTC' },
    verifications: [
      { check: 'checksum', cadence: cadenceText(category.verify.checksum), last: describeRecord(evidence?.checksum) },
      { check: 'restore test', cadence: cadenceText(category.verify.restoreTest), last: describeRecord(evidence?.restore_test) },
      { check: 'drill', cadence: cadenceText(category.verify.drill), last: describeRecord(evidence?.drill) },
    ],
    copies: category.copies.map((copy) => {
      const tier = policy.tiers[copy.tier];
      return {
        tier: copy.tier,
        storage: mdCell(tier ? storageSummary(tier) : 'unknown tier'),
        location: mdCell(tier ? backupLocation(tier, policy.system, category.name) : '—'),
        keep: describeKeep(copy.keep),
        offsite: tier?.offsite ? 'yes' : 'no',
        immutable: tier?.immutable ? `${tier.immutable.mode}, ${tier.immutable.days} days` : 'no',
      };
    }),
    sources,
    engineNotes: buildEngineNotes(
      category.name,
      policyPath,
      category.data.map((ref) => ({ name: ref.source, spec: policy.sources[ref.source] })),
      encrypted ? ` --identity "$${IDENTITY_VAR}"` : '',
    ),
    onlyFiles,
    encrypted,
    identityVar: IDENTITY_VAR,
    firstTier,
    restore: {
      dryRun: restoreCmd(firstTier, ' --dry-run'),
      newest: restoreCmd(firstTier),
      at: restoreCmd(firstTier, ' --at 2h'),
      backup: restoreCmd(firstTier, ' --backup BACKUP_ID'),
      ls: `strata ls ${category.name} --policies ${policyPath}`,
      otherTiers: category.copies.slice(1).map((c) => ({ tier: c.tier, command: restoreCmd(c.tier) })),
    },
    multipleSources: category.data.length > 1,
    fallback: buildFallback(policy, category),
    fallbackTools: `${[...tools].map((t) => `\`${t}\``).join(', ')}${s3 ? ' (and the `aws` CLI for S3 tiers)' : ''}`,
    checklist: [
      `The backup's checksums were verified before anything was written (\`strata restore\` does this; by hand, \`sha256sum -c\` printed \`OK\`).`,
      `The restored backup is the intended one: its id and \`finished_at\` (from the manifest or strata's output) are noted in the incident log.`,
      `Data loss is within the RPO (${category.rpo}): the backup finished no more than ${category.rpo} before the incident.`,
      `The restored data matches the manifest's \`stats\` (files and bytes, keys, documents or rows).`,
      `The restore finished within the RTO (${category.rto}); the time it took is noted.`,
      `The application was smoke-tested against the restored data.`,
      `Evidence is fresh: \`${verifyCommand(policy, category.name)}\` ran, and \`strata status --policies ${policyPath}\` shows no breach.`,
    ],
    latest: input.latest?.[category.name]
      ?.slice()
      .sort((a, b) => a.tier.localeCompare(b.tier) || b.finished_at.localeCompare(a.finished_at) || a.id.localeCompare(b.id))
      .map((l) => ({ tier: l.tier, id: l.id, finished: formatInstant(l.finished_at) })),
    relativePaths: input.relativePaths ?? false,
  };
}

export interface IndexView {
  system: string;
  description?: string;
  policyPath: string;
  categories: {
    name: string;
    description: string;
    rpo: string;
    rto: string;
    restore: string;
    checksum: string;
    restoreTest: string;
    drill: string;
  }[];
  tiers: { name: string; description: string; storage: string; root: string; offsite: string; immutable: string }[];
  scheduler: string;
  relativePaths: boolean;
}

function describeScheduler(policy: ResolvedPolicy): string {
  const s = policy.scheduler;
  if (s.type === 'systemd') return `systemd timers \`strata-${policy.system}-*.timer\` in \`${s.target ?? ''}\``;
  if (s.type === 'cron') return `the cron file \`${s.target ?? ''}\``;
  return 'none: runs are started externally (CI, Kubernetes or by hand)';
}

export function buildIndexView(input: RunbookInput): IndexView {
  const { policy } = input;
  const categories = [...policy.categories].sort((a, b) => a.name.localeCompare(b.name));
  return {
    system: policy.system,
    description: policy.description,
    policyPath: policy.scheduler.policyPath,
    categories: categories.map((c) => ({
      name: c.name,
      description: mdCell(c.description ?? ''),
      rpo: c.rpo,
      rto: c.rto,
      restore: measuredRestore(policy, c, input.evidence[c.name]).short,
      checksum: c.verify.checksum,
      restoreTest: c.verify.restoreTest,
      drill: c.verify.drill,
    })),
    tiers: Object.keys(policy.tiers)
      .sort()
      .flatMap((name) => {
        const tier = policy.tiers[name];
        if (!tier) return [];
        return [{
          name,
          description: mdCell(tier.description ?? ''),
          storage: mdCell(storageSummary(tier)),
          root: mdCell(tierRoot(tier)),
          offsite: tier.offsite ? 'yes' : 'no',
          immutable: tier.immutable ? `${tier.immutable.mode}, ${tier.immutable.days} days` : 'no',
        }];
      }),
    scheduler: describeScheduler(policy),
    relativePaths: input.relativePaths ?? false,
  };
}
