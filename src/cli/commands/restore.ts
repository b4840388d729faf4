import type { Command } from 'commander';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { formatBytes, formatThroughput } from '../../apply/format-throughput.js';
import { restoreBackup } from '../../backup/restore-backup.js';
import { appendRunRecord } from '../../state/run-log.js';
import { readCatalog } from '../catalog.js';
import { addCommonOptions, addIdentityOption, resolveIdentity, type CommonOptions } from '../common-options.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { findCategory, loadContext } from '../load-context.js';
import { parseAt, pickBackup } from '../pick-backup.js';

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
  json?: boolean;
}

async function isNonEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch {
    return false;
  }
}

export function registerRestore(program: Command, io: Io): void {
  addIdentityOption(addCommonOptions(program.command('restore')))
    .argument('<category>', 'category name, or SYSTEM/CATEGORY')
    .description('restore a category (every source, or --source) after verifying its checksums')
    .option('--backup <id>', 'restore this backup id')
    .option('--at <time>', 'newest backup at or before this ISO time (or a duration ago, e.g. 2h)')
    .option('--from <tier>', 'read from this tier (default: the first tier that has the backup)')
    .option('--to <path>', 'restore into this directory (default: the original paths, which needs --yes)')
    .option('--source <name>', 'only this source of the category')
    .option('--only <patterns...>', 'only entries matching these patterns')
    .option('--system <name>', 'system, when the category name exists in several')
    .option('--dry-run', 'verify checksums and show what would be restored; write nothing')
    .option('-y, --yes', 'allow restoring into a non-empty target')
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
      const at = options.at ? parseAt(options.at, new Date()) : undefined;
      const tierOrder = options.from ? [options.from] : category.copies.map((c) => c.tier);
      const results = [];
      for (const source of sources) {
        let chosen;
        for (const tier of tierOrder) {
          chosen = pickBackup(catalog.entries.filter((e) => e.tier === tier && e.manifest.source === source && e.manifest.category === category.name), { id: options.backup, at });
          if (chosen) break;
        }
        if (!chosen) {
          throw new CliError(
            `no backup of ${category.name}/${source}${options.backup ? ` with id ${options.backup}` : ''}${at ? ` at or before ${at.toISOString()}` : ''} in ${tierOrder.join(', ')}`,
            EXIT.ERROR,
            `list the backups with \`strata ls ${category.name}\`${catalog.errors.length ? `; unreadable tiers: ${catalog.errors.join('; ')}` : ''}`,
          );
        }
        const baseTarget = options.to ? resolve(options.to) : '/';
        const target = options.to && sources.length > 1 ? join(baseTarget, source) : baseTarget;
        if (!options.dryRun && !options.yes && (await isNonEmptyDir(target))) {
          throw new CliError(`the target ${target} is not empty`, EXIT.ERROR, 'restore into an empty directory with --to, or pass --yes to overwrite');
        }
        const storage = catalog.storages.get(policy.system)?.get(chosen.tier);
        if (!storage || storage instanceof Error) throw new CliError(`tier ${chosen.tier} cannot be opened`, EXIT.ERROR);
        io.err(`${options.dryRun ? 'Would restore' : 'Restoring'} ${category.name}/${source} backup ${chosen.manifest.id} (${chosen.manifest.started_at}) from ${chosen.tier} to ${target}`);
        const started = Date.now();
        const result = await restoreBackup({
          entry: chosen, storage, policy, target, only: options.only, identityFile: identity, resolveSecret: ctx.resolveSecret, dryRun: options.dryRun,
        });
        const elapsed = Date.now() - started;
        if (!options.dryRun) {
          await appendRunRecord(ctx.stateDir, {
            at: new Date().toISOString(), system: policy.system, category: category.name, job: 'restore', ok: true, duration_ms: elapsed, backup_ids: [chosen.manifest.id],
          }).catch(() => undefined);
        }
        results.push({ source, backup_id: chosen.manifest.id, tier: chosen.tier, target, dry_run: Boolean(options.dryRun), duration_ms: elapsed, bytes: result.bytes, stats: result.stats });
        io.err(`  checksums verified; ${options.dryRun ? 'nothing written' : `restored ${formatBytes(result.bytes)} (${formatThroughput(result.bytes, elapsed)})`}; ${Object.entries(result.stats).map(([k, v]) => `${k}=${v}`).join(' ')}`);
      }
      if (options.json) io.out(JSON.stringify({ format_version: 1, restored: results }, null, 2));
    });
}
