import type { Command } from 'commander';
import { formatDiagnostics } from '../../policy/format-diagnostics.js';
import { loadPolicies, resolvePolicyInputs } from '../../policy/load-policies.js';
import { resolveStateDir } from '../../state/state-dir.js';
import { addCommonOptions, type CommonOptions } from '../common-options.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { readMeasuredRestores } from '../read-measured-restores.js';

export function registerValidate(program: Command, io: Io): void {
  addCommonOptions(program.command('validate'))
    .description('check the policies: schema, references, cron, RPO gaps, retention; never needs secrets')
    .option('--format <format>', 'text | json | github', 'text')
    .option('--json', 'same as --format json')
    .option('--no-evidence', 'ignore restore times measured in the state dir (the RTO check then counts storage retrieval waits only)')
    .action(async (options: CommonOptions & { format: string; json?: boolean; evidence?: boolean }) => {
      const format = options.json ? 'json' : options.format;
      if (!['text', 'json', 'github'].includes(format)) throw new CliError(`unknown format ${format}`, EXIT.ERROR, 'use text, json or github');
      const inputs = resolvePolicyInputs(options.policies);
      // Measured restore times feed the RTO check when this host has them; PR CI has no state dir.
      const measuredRestores = options.evidence === false ? undefined : await readMeasuredRestores(resolveStateDir(options.stateDir));
      const set = await loadPolicies(inputs, { measuredRestores });
      if (set.files.length === 0) throw new CliError(`no policy files found in ${inputs.join(', ')}`, EXIT.ERROR, 'pass --policies PATH or set STRATA_POLICIES');
      const text = formatDiagnostics(set.diagnostics, format as 'text' | 'json' | 'github', { color: io.color, fileCount: set.files.length });
      if (text.trim()) io.out(text);
      io.exitCode = set.diagnostics.some((d) => d.severity === 'error') ? EXIT.ERROR : EXIT.OK;
    });
}
