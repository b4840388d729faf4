import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { hasChanges, hasProblems } from '../../plan/create-plan.js';
import type { Plan } from '../../plan/plan-model.js';
import { renderPlanGithub } from '../../plan/render-plan-github.js';
import { renderPlanMarkdown } from '../../plan/render-plan-markdown.js';
import { renderPlanText } from '../../plan/render-plan-text.js';
import { stableStringify } from '../../model/stable-json.js';
import { addCommonOptions, addIdentityOption, resolveIdentity, type CommonOptions } from '../common-options.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { loadContext } from '../load-context.js';
import { preparePlan } from '../prepare-plan.js';

const FORMATS = ['text', 'json', 'markdown', 'github'] as const;
type PlanFormat = (typeof FORMATS)[number];

interface PlanOptions extends CommonOptions {
  format?: string;
  json?: boolean;
  markdown?: boolean;
  detailedExitcode?: boolean;
  out?: string;
  verbose?: boolean;
}

function pickFormat(options: PlanOptions): PlanFormat {
  const asked = [options.format, options.json ? 'json' : undefined, options.markdown ? 'markdown' : undefined].filter((f): f is string => f !== undefined);
  const distinct = [...new Set(asked)];
  if (distinct.length > 1) throw new CliError(`conflicting output formats: ${distinct.join(', ')}`, EXIT.ERROR, 'pass one of --format, --json or --markdown');
  const format = distinct[0] ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new CliError(`unknown format ${format}`, EXIT.ERROR, `use ${FORMATS.join(', ')}`);
  return format as PlanFormat;
}

/** terraform's convention: 1 error, 2 changes, 0 neither. A problem is an error: something the plan cannot do. */
export function planExitCode(plan: Plan, detailed: boolean | undefined): number {
  if (!detailed) return EXIT.OK;
  if (hasProblems(plan)) return EXIT.ERROR;
  return hasChanges(plan) ? EXIT.CHANGES : EXIT.OK;
}

function renderPlan(plan: Plan, format: PlanFormat, io: Io, verbose: boolean | undefined): string {
  switch (format) {
    case 'json':
      return stableStringify(plan, 2);
    case 'markdown':
      return renderPlanMarkdown(plan);
    case 'github':
      return renderPlanGithub(plan, { verbose });
    case 'text':
      return renderPlanText(plan, { color: io.color, verbose });
  }
}

export function registerPlan(program: Command, io: Io): void {
  addIdentityOption(addCommonOptions(program.command('plan')))
    .description('compare the policies with the world, list what apply would do with reasons, and the health of every source and tier; writes nothing')
    .option('--format <format>', 'text | json | markdown | github (::error annotations per problem, then the text)')
    .option('--json', 'same as --format json: the plan as versioned JSON')
    .option('--markdown', 'same as --format markdown: for PR comments and job summaries, problems first')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on an error or a problem (an unreachable source or tier …)')
    .option('--out <file>', 'save the plan for `strata apply FILE`')
    .option('-v, --verbose', 'also show why every surviving backup is kept')
    .action(async (options: PlanOptions) => {
      const format = pickFormat(options);
      const ctx = await loadContext(options);
      if (ctx.warnings && format !== 'json') io.err(ctx.warnings);
      const { plan } = await preparePlan(ctx, resolveIdentity(options.identity), new Date());
      if (options.out) await writeFile(options.out, stableStringify(plan, 2) + '\n');
      io.out(renderPlan(plan, format, io, options.verbose));
      if (options.out && format !== 'json') io.err(`Saved the plan to ${options.out}. Apply exactly this plan with: strata apply ${options.out}`);
      io.exitCode = planExitCode(plan, options.detailedExitcode);
    });
}
