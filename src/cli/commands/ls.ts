import type { Command } from 'commander';
import { formatBytes } from '../../apply/format-throughput.js';
import { addCommonOptions, type CommonOptions } from '../common-options.js';
import { readCatalog } from '../catalog.js';
import { EXIT } from '../exit-codes.js';
import { formatTable } from '../format-table.js';
import type { Io } from '../io.js';
import { loadContext } from '../load-context.js';

export function registerLs(program: Command, io: Io): void {
  addCommonOptions(program.command('ls'))
    .argument('[category]', 'only this category')
    .description('list the backups of every tier, read from their manifests; pre-restore snapshots and damaged backups are listed apart')
    .option('--json', 'print JSON')
    .action(async (category: string | undefined, options: CommonOptions & { json?: boolean }) => {
      const ctx = await loadContext(options);
      const { rows, snapshots, damaged, errors } = await readCatalog(ctx.policies, ctx.resolveSecret, category, ctx.stateDir);
      if (options.json) {
        io.out(JSON.stringify({ format_version: 1, backups: rows, pre_restore_snapshots: snapshots, damaged, errors }, null, 2));
      } else if (rows.length + snapshots.length + damaged.length === 0) {
        io.out('No backups found.');
      } else {
        const sections: string[] = [];
        if (rows.length > 0) {
          sections.push(
            formatTable(
              ['SYSTEM', 'CATEGORY', 'SOURCE', 'BACKUP', 'KIND', 'STARTED', 'STORED', 'RAW', 'TIERS'],
              rows.map((r) => [r.system, r.category, r.source, r.id, r.kind, r.started_at, formatBytes(r.size), formatBytes(r.raw_size), r.tiers.join(',')]),
            ),
          );
        }
        if (snapshots.length > 0) {
          sections.push(
            'Pre-restore snapshots (the live data just before a restore; never picked by a default restore, roll back with --backup ID):\n' +
              formatTable(
                ['SYSTEM', 'CATEGORY', 'SOURCE', 'SNAPSHOT', 'KIND', 'TAKEN', 'BEFORE RESTORING', 'STORED', 'TIERS'],
                snapshots.map((r) => [r.system, r.category, r.source, r.id, r.kind, r.taken_for?.at ?? r.started_at, r.taken_for?.restore_of ?? '?', formatBytes(r.size), r.tiers.join(',')]),
              ),
          );
        }
        if (damaged.length > 0) {
          sections.push(
            `DAMAGED BACKUPS (${damaged.length}): the manifest exists but the copy cannot be trusted; restore skips these copies:\n` +
              formatTable(
                ['SYSTEM', 'CATEGORY', 'SOURCE', 'BACKUP', 'TIER', 'PROBLEM', 'LOCATION'],
                damaged.map((d) => [d.system, d.category, d.source, d.id, d.tier, d.problem, d.location]),
              ),
          );
        }
        io.out(sections.join('\n\n'));
      }
      for (const d of damaged) io.err(`warning: backup ${d.id} of ${d.category}/${d.source} on tier ${d.tier} is damaged: ${d.problem}`);
      for (const error of errors) io.err(`warning: could not read ${error}`);
      io.exitCode = errors.length > 0 ? EXIT.ERROR : damaged.length > 0 ? EXIT.UNTRUSTED : EXIT.OK;
    });
}
