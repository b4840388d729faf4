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
import { parseAt, pickBackup } from '../pick-backup.js';
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
async function takeSnapshot(ctx: CliContext, policy: ResolvedPolicy, category: ResolvedCategory, source: string, catalogStorages: ReturnType<typeof usableStorages>, io: Io): Promise<string> {
  const data = category.data.find((d) => d.source === source);
  if (!data) throw new Error(`source ${source} is not part of ${category.name}`);
  io.err(`Taking a pre-restore snapshot of ${category.name}/${source} (skip with --no-snapshot)…`);
  try {
    const { manifest } = await runBackup({ policy, category, data, storages: catalogStorages, resolveSecret: ctx.resolveSecret });
    io.err(`  pre-restore snapshot: ${manifest.id}`);
    return manifest.id;
  } catch (error) {
    throw new CliError(
      `the pre-restore snapshot of ${category.name}/${source} failed, so nothing was restored: ${(error as Error).message}`,
      EXIT.ERROR,
      'fix the source or storage, or pass --no-snapshot to restore without a way back',
    );
  }
}

export function registerRestore(program: Command, io: Io): void {
  addIdentityOption(addCommonOptions(program.command('restore')))
    .argument('<category>', 'category name, or SYSTEM/CATEGORY')
    .description('restore a category (every source, or --source) after verifying its checksums')
    .option('--backup <id>', 'restore this backup id')
    .option('--at <time>', 'newest backup at or before this ISO time (or a duration ago, e.g. 2h)')
    .option('--from <tier>', 'read from this tier (default: the first tier that has the backup)')
    .option('--to <target>', 'a directory (files) or a URL (databases); default: over the original, which needs --yes')
    .option('--source <name>', 'only this source of the category')
    .option('--only <patterns...>', 'only entries matching these patterns (paths, keys, tables, namespaces)')
    .option('--system <name>', 'system, when the category name exists in several')
    .option('--dry-run', 'verify checksums and decryption and show what would be restored; write nothing')
    .option('-y, --yes', 'allow restoring into a non-empty target or over the live source')
    .option('--no-snapshot', 'do not back up the live target before restoring over it')
    .option('--drop', 'replace what already exists in a --to database target (mongorestore --drop, pg_restore --clean)')
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
      const catalog = await readCatalog([policy], ctx.resolveSecret, category.name);
      const storages = usableStorages(catalog.storages.get(policy.system) ?? new Map());
      const at = options.at ? parseAt(options.at, new Date()) : undefined;
      const tierOrder = options.from ? [options.from] : category.copies.map((c) => c.tier);
      const chosen = new Map<string, CatalogEntry>();
      for (const source of sources) {
        let entry: CatalogEntry | undefined;
        for (const tier of tierOrder) {
          entry = pickBackup(catalog.entries.filter((e) => e.tier === tier && e.manifest.source === source && e.manifest.category === category.name), { id: options.backup, at });
          if (entry) break;
        }
        if (!entry) {
          throw new CliError(
            `no backup of ${category.name}/${source}${options.backup ? ` with id ${options.backup}` : ''}${at ? ` at or before ${at.toISOString()}` : ''} in ${tierOrder.join(', ')}`,
            EXIT.ERROR,
            `list the backups with \`strata ls ${category.name}\`${catalog.errors.length ? `; unreadable tiers: ${catalog.errors.join('; ')}` : ''}`,
          );
        }
        chosen.set(source, entry);
      }
      // Check every target before touching any, so a refused target never leaves a half-restored category.
      const targets = new Map<string, RestoreTarget>();
      for (const [source, entry] of chosen) {
        const target = resolveRestoreTarget(sourceForRestore(policy, entry), source, options.to, sources.length, ctx.resolveSecret);
        await refuseUnsafeTarget(target, options);
        targets.set(source, target);
      }
      const results = [];
      for (const [source, entry] of chosen) {
        const target = targets.get(source) as RestoreTarget;
        const storage = storages.get(entry.tier);
        if (!storage) throw new CliError(`tier ${entry.tier} cannot be opened`, EXIT.ERROR);
        const snapshot = target.inPlace && options.snapshot !== false && !options.dryRun ? await takeSnapshot(ctx, policy, category, source, storages, io) : undefined;
        io.err(`${options.dryRun ? 'Would restore' : 'Restoring'} ${category.name}/${source} backup ${entry.manifest.id} (${entry.manifest.started_at}) from ${entry.tier} to ${target.display}`);
        const started = Date.now();
        let result;
        try {
          result = await restoreBackup({
            entry, storage, policy, target: target.target, only: options.only, replace: target.inPlace || Boolean(options.drop && target.kind === 'url'),
            noOwner: options.owner === false,
            identityFile: identity, resolveSecret: ctx.resolveSecret, dryRun: options.dryRun,
          });
        } catch (error) {
          const hint = snapshot
            ? `roll back to the pre-restore snapshot with: strata restore ${policy.system}/${category.name} --source ${source} --backup ${snapshot} --yes --no-snapshot`
            : undefined;
          throw new CliError(`restore of ${category.name}/${source} failed: ${(error as Error).message}`, EXIT.ERROR, hint);
        }
        const elapsed = Date.now() - started;
        if (!options.dryRun) {
          await appendRunRecord(ctx.stateDir, {
            at: new Date().toISOString(), system: policy.system, category: category.name, job: 'restore', ok: true, duration_ms: elapsed, backup_ids: [entry.manifest.id],
          }).catch(() => undefined);
        }
        results.push({
          source, backup_id: entry.manifest.id, tier: entry.tier, target: target.display, dry_run: Boolean(options.dryRun),
          duration_ms: elapsed, bytes: result.bytes, stats: result.stats, ...(snapshot ? { pre_restore_snapshot: snapshot } : {}),
        });
        io.err(`  checksums verified; ${options.dryRun ? 'nothing written' : `restored ${formatBytes(result.bytes)} (${formatThroughput(result.bytes, elapsed)})`}; ${Object.entries(result.stats).slice(0, 8).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      }
      if (options.json) io.out(JSON.stringify({ format_version: 1, restored: results }, null, 2));
    });
}
