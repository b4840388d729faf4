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
    .description('list the backups of every tier, read from their manifests')
    .option('--json', 'print JSON')
    .action(async (category: string | undefined, options: CommonOptions & { json?: boolean }) => {
      const ctx = await loadContext(options);
      const { rows, errors } = await readCatalog(ctx.policies, ctx.resolveSecret, category);
      if (options.json) {
        io.out(JSON.stringify({ format_version: 1, backups: rows, errors }, null, 2));
      } else if (rows.length === 0) {
        io.out('No backups found.');
      } else {
        io.out(
          formatTable(
            ['SYSTEM', 'CATEGORY', 'SOURCE', 'BACKUP', 'KIND', 'STARTED', 'STORED', 'RAW', 'TIERS'],
            rows.map((r) => [r.system, r.category, r.source, r.id, r.kind, r.started_at, formatBytes(r.size), formatBytes(r.raw_size), r.tiers.join(',')]),
          ),
        );
      }
      for (const error of errors) io.err(`warning: could not read ${error}`);
      io.exitCode = errors.length > 0 ? EXIT.ERROR : EXIT.OK;
    });
}
