import type { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { formatBytes, formatThroughput } from '../../apply/format-throughput.js';
import { restoreBackup, sourceForRestore } from '../../backup/restore-backup.js';
import { runBackup } from '../../backup/run-backup.js';
import type { CatalogEntry } from '../../model/catalog.js';
import type { ResolvedCategory, ResolvedPolicy } from '../../model/policy-model.js';
import { appendRunRecord } from '../../state/run-log.js';
import { readCatalog } from '../catalog.js';
import { addCommonOptions, addIdentityOption, resolveIdentity, type CommonOptions } from '../common-options.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { findCategory, loadContext, usableStorages, type CliContext } from '../load-context.js';
import { parseAt, restoreCandidates, type BackupChoice } from '../pick-backup.js';
import { walkCopies } from '../restore-copies.js';
import { resolveRestoreTarget, type RestoreTarget } from '../restore-target.js';

interface RestoreOptions extends CommonOptions {
  backup?: string;
  at?: string;
  from?: string;
  to?: string;
  source?: string;
  only?: string[];
  system?: string;
  dryRun?: boolean;
  yes?: boolean;
  snapshot?: boolean;
  drop?: boolean;
  /** false with --no-owner (commander's negatable option). */
  owner?: boolean;
  json?: boolean;
  fallbackOlder?: boolean;
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}

async function refuseUnsafeTarget(target: RestoreTarget, options: RestoreOptions): Promise<void> {
  if (options.dryRun || options.yes) return;
  if (target.kind === 'path' && (await isNonEmptyDir(target.target))) {
    throw new CliError(`the target ${target.display} is not empty`, EXIT.ERROR, 'restore into an empty directory with --to, or pass --yes to overwrite');
  }
  if (target.kind === 'url' && target.inPlace) {
    throw new CliError(
      `restoring over the live source ${target.display} replaces its data`,
      EXIT.ERROR,
      'pass --to URL to restore elsewhere, or --yes to replace it (a pre-restore snapshot is taken first unless --no-snapshot)',
    );
  }
}

/** Seed 003's rule: before overwriting live data, back it up, so a bad restore can be rolled back. */
async function takeSnapshot(
  ctx: CliContext, policy: ResolvedPolicy, category: ResolvedCategory, source: string, restoreOf: string,
  catalogStorages: ReturnType<typeof usableStorages>, io: Io,
): Promise<string> {
  const data = category.data.find((d) => d.source === source);
  if (!data) throw new Error(`source ${source} is not part of ${category.name}`);
  io.err(`Taking a pre-restore snapshot of ${category.name}/${source} (skip with --no-snapshot)…`);
  try {
    const { manifest } = await runBackup({ policy, category, data, storages: catalogStorages, resolveSecret: ctx.resolveSecret, preRestore: { restoreOf } });
    io.err(`  pre-restore snapshot: ${manifest.id} (kept apart from the backups; a default restore never picks it)`);
    return manifest.id;
  } catch (error) {
    throw new CliError(
      `the pre-restore snapshot of ${category.name}/${source} failed, so nothing was restored: ${(error as Error).message}`,
      EXIT.ERROR,
      'fix the source or storage, or pass --no-snapshot to restore without a way back',
    );
  }
}

function rollbackCommand(policy: ResolvedPolicy, category: ResolvedCategory, source: string, snapshot: string): string {
  return `strata restore ${policy.system}/${category.name} --source ${source} --backup ${snapshot} --yes --no-snapshot`;
}

export function registerRestore(program: Command, io: Io): void {
  addIdentityOption(addCommonOptions(program.command('restore')))
    .argument('<category>', 'category name, or SYSTEM/CATEGORY')
    .description('restore a category (every source, or --source) after verifying its checksums; a copy that fails them is skipped for the same backup in the next tier')
    .option('--backup <id>', 'restore this backup id (pre-restore snapshots too)')
    .option('--at <time>', 'newest backup at or before this ISO time (or a duration ago, e.g. 2h)')
    .option('--from <tier>', 'read from this tier only (default: the first tier whose copy passes its checksum)')
    .option('--fallback-older', 'when no copy of the chosen backup can be used, restore the next older backup instead (default: ask at a terminal, else fail)')
    .option('--to <target>', 'a directory (files) or a URL (databases); default: over the original, which needs --yes')
    .option('--source <name>', 'only this source of the category')
    .option('--only <patterns...>', 'only entries matching these patterns (paths, keys, tables, namespaces)')
    .option('--system <name>', 'system, when the category name exists in several')
    .option('--dry-run', 'verify checksums and decryption and show what would be restored; write nothing')
    .option('-y, --yes', 'allow restoring into a non-empty target or over the live source')
    .option('--no-snapshot', 'do not back up the live target before restoring over it')
    .option('--drop', 'replace what already exists in a --to database target instead of merging into it (Redis: its keys are removed first; MongoDB: collections replaced; PostgreSQL: the restored objects replaced)')
    .option('--no-owner', "PostgreSQL: restore without the dump's owners and grants (pg_restore --no-owner --no-privileges), for a fresh server that lacks the source's roles; the connecting user owns everything")
    .option('--json', 'print the result as JSON')
    .action(async (spec: string, options: RestoreOptions) => {
      const ctx = await loadContext(options);
      const { policy, category } = findCategory(ctx.policies, spec, options.system);
      const identity = resolveIdentity(options.identity);
      const sources = category.data.map((d) => d.source).filter((s) => !options.source || s === options.source);
      if (sources.length === 0) throw new CliError(`category ${category.name} has no source ${options.source}`, EXIT.ERROR, `sources: ${category.data.map((d) => d.source).join(', ')}`);
      if (options.from && !category.copies.some((c) => c.tier === options.from)) {
        throw new CliError(`category ${category.name} keeps no copy in tier ${options.from}`, EXIT.ERROR, `tiers: ${category.copies.map((c) => c.tier).join(', ')}`);
      }
      const catalog = await readCatalog([policy], ctx.resolveSecret, category.name, ctx.stateDir);
      const storages = usableStorages(catalog.storages.get(policy.system) ?? new Map());
      const at = options.at ? parseAt(options.at, new Date()) : undefined;
      const tierOrder = options.from ? [options.from] : category.copies.map((c) => c.tier);
      const unreadable = new Map([...catalog.unreadable].filter(([k]) => k.startsWith(`${policy.system}/`)).map(([k, v]) => [k.slice(policy.system.length + 1), v]));
      const candidates = new Map<string, BackupChoice[]>();
      for (const source of sources) {
        const choices = restoreCandidates(catalog.entries, catalog.damagedBackups, { category: category.name, source, tiers: tierOrder, id: options.backup, at, unreadable });
        if (choices.length === 0) {
          throw new CliError(
            `no backup of ${category.name}/${source}${options.backup ? ` with id ${options.backup}` : ''}${at ? ` at or before ${at.toISOString()}` : ''} in ${tierOrder.join(', ')}`,
            EXIT.ERROR,
            `list the backups with \`strata ls ${category.name}\`${catalog.errors.length ? `; unreadable tiers: ${catalog.errors.join('; ')}` : ''}`,
          );
        }
        candidates.set(source, choices);
      }
      // Check every target before touching any, so a refused target never leaves a half-restored category.
      const targets = new Map<string, RestoreTarget>();
      for (const [source, choices] of candidates) {
        const sample = choices.flatMap((c) => c.copies).find((c) => c.entry)?.entry;
        const declared = sample ? sourceForRestore(policy, sample) : policy.sources[source];
        if (!declared) throw new CliError(`source ${source} is not defined in the policy and no readable backup names its type`, EXIT.ERROR);
        const target = resolveRestoreTarget(declared, source, options.to, sources.length, ctx.resolveSecret);
        await refuseUnsafeTarget(target, options);
        targets.set(source, target);
      }
      const results = [];
      for (const [source, choices] of candidates) {
        const target = targets.get(source) as RestoreTarget;
        const wantSnapshot = target.inPlace && options.snapshot !== false && !options.dryRun;
        let snapshot: string | undefined;
        const started = Date.now();
        const attempt = async (entry: CatalogEntry, choice: BackupChoice) => {
          const storage = storages.get(entry.tier);
          if (!storage) throw new CliError(`tier ${entry.tier} cannot be opened`, EXIT.ERROR);
          io.err(`${options.dryRun ? 'Would restore' : 'Restoring'} ${category.name}/${source} backup ${choice.id}${choice.kind === 'pre-restore' ? ' (pre-restore snapshot)' : ''} (${entry.manifest.started_at}) from ${entry.tier} to ${target.display}`);
          return restoreBackup({
            entry, storage, policy, target: target.target, only: options.only, replace: target.inPlace || Boolean(options.drop && target.kind === 'url'),
            noOwner: options.owner === false,
            identityFile: identity, resolveSecret: ctx.resolveSecret, dryRun: options.dryRun,
            onWarning: (message) => io.err(`  warning: ${message}`),
            // Taken once a copy passed its checksum, just before the first write: never for a copy that is not used.
            beforeWrite: async () => {
              if (wantSnapshot && !snapshot) snapshot = await takeSnapshot(ctx, policy, category, source, choice.id, storages, io);
            },
          });
        };
        let used;
        try {
          used = await walkCopies(choices, attempt, { fallbackOlder: options.fallbackOlder, mayAsk: io.interactive && !options.json }, io);
        } catch (error) {
          if (error instanceof CliError) throw error;
          const hint = snapshot ? `roll back to the pre-restore snapshot with: ${rollbackCommand(policy, category, source, snapshot)}` : undefined;
          throw new CliError(`restore of ${category.name}/${source} failed: ${(error as Error).message}`, EXIT.ERROR, hint);
        }
        const { skipped } = used;
        if (!('result' in used)) {
          throw new CliError(
            `no usable copy of ${choices.length > 1 ? `any of ${choices.length} backups` : `backup ${choices[0]!.id}`} of ${category.name}/${source}, so nothing was restored: ${skipped.map((s) => `${s.backup_id} on ${s.tier}: ${s.reason}`).join('; ')}`,
            EXIT.ERROR,
            `check the tiers with \`strata ls ${category.name}\` and \`strata run ${category.name} --job verify --now\``,
          );
        }
        const { result, entry, choice } = used;
        const elapsed = Date.now() - started;
        if (!options.dryRun) {
          await appendRunRecord(ctx.stateDir, {
            at: new Date().toISOString(), system: policy.system, category: category.name, job: 'restore', ok: true, duration_ms: elapsed, backup_ids: [choice.id],
          }).catch(() => undefined);
        }
        const why = skipped.length > 0 ? `first usable copy after skipping ${skipped.map((s) => `${s.backup_id} on ${s.tier}`).join(', ')}` : 'first copy in tier order';
        results.push({
          source, backup_id: choice.id, kind: choice.kind, tier: entry.tier, target: target.display, dry_run: Boolean(options.dryRun),
          duration_ms: elapsed, bytes: result.bytes, stats: result.stats,
          copy: { backup_id: choice.id, tier: entry.tier, reason: why }, skipped, ...(used.older ? { fallback_older: true } : {}),
          ...(snapshot ? { pre_restore_snapshot: snapshot, rollback: rollbackCommand(policy, category, source, snapshot) } : {}),
        });
        io.err(`  used the copy of backup ${choice.id} on tier ${entry.tier} (${why})`);
        io.err(`  checksums verified; ${options.dryRun ? 'nothing written' : `restored ${formatBytes(result.bytes)} (${formatThroughput(result.bytes, elapsed)})`}; ${Object.entries(result.stats).slice(0, 8).map(([k, v]) => `${k}=${v}`).join(' ')}`);
        if (snapshot) io.err(`  to undo this restore: ${rollbackCommand(policy, category, source, snapshot)}`);
      }
      if (options.json) io.out(JSON.stringify({ format_version: 1, restored: results }, null, 2));
    });
}
