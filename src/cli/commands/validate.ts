import type { Command } from 'commander';
import { formatDiagnostics } from '../../policy/format-diagnostics.js';
import { loadPolicies, resolvePolicyInputs } from '../../policy/load-policies.js';
import { addCommonOptions, type CommonOptions } from '../common-options.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';

export function registerValidate(program: Command, io: Io): void {
  addCommonOptions(program.command('validate'))
    .description('check the policies: schema, references, cron, RPO gaps, retention; never needs secrets')
    .option('--format <format>', 'text | json | github', 'text')
    .option('--json', 'same as --format json')
    .action(async (options: CommonOptions & { format: string; json?: boolean }) => {
      const format = options.json ? 'json' : options.format;
      if (!['text', 'json', 'github'].includes(format)) throw new CliError(`unknown format ${format}`, EXIT.ERROR, 'use text, json or github');
      const inputs = resolvePolicyInputs(options.policies);
      const set = await loadPolicies(inputs);
      if (set.files.length === 0) throw new CliError(`no policy files found in ${inputs.join(', ')}`, EXIT.ERROR, 'pass --policies PATH or set STRATA_POLICIES');
      const text = formatDiagnostics(set.diagnostics, format as 'text' | 'json' | 'github', { color: io.color, fileCount: set.files.length });
      if (text.trim()) io.out(text);
      io.exitCode = set.diagnostics.some((d) => d.severity === 'error') ? EXIT.ERROR : EXIT.OK;
    });
}
