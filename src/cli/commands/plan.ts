import type { Command } from 'commander';
import { writeFile } from 'node:fs/promises';
import { hasChanges } from '../../plan/create-plan.js';
import { renderPlanMarkdown } from '../../plan/render-plan-markdown.js';
import { renderPlanText } from '../../plan/render-plan-text.js';
import { stableStringify } from '../../model/stable-json.js';
import { addCommonOptions, addIdentityOption, resolveIdentity, type CommonOptions } from '../common-options.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../io.js';
import { loadContext } from '../load-context.js';
import { preparePlan } from '../prepare-plan.js';

interface PlanOptions extends CommonOptions {
  json?: boolean;
  markdown?: boolean;
  detailedExitcode?: boolean;
  out?: string;
  verbose?: boolean;
}

export function registerPlan(program: Command, io: Io): void {
  addIdentityOption(addCommonOptions(program.command('plan')))
    .description('compare the policies with the world and list what apply would do, with reasons; changes nothing')
    .option('--json', 'print the plan as versioned JSON')
    .option('--markdown', 'print the plan as Markdown (PR comments, job summaries)')
    .option('--detailed-exitcode', 'exit 0 when there are no changes, 2 when there are, 1 on error')
    .option('--out <file>', 'save the plan for `strata apply FILE`')
    .option('-v, --verbose', 'also show why every surviving backup is kept')
    .action(async (options: PlanOptions) => {
      const ctx = await loadContext(options);
      if (ctx.warnings && !options.json) io.err(ctx.warnings);
      const { plan } = await preparePlan(ctx, resolveIdentity(options.identity), new Date());
      if (options.out) await writeFile(options.out, stableStringify(plan, 2) + '\n');
      if (options.json) io.out(stableStringify(plan, 2));
      else if (options.markdown) io.out(renderPlanMarkdown(plan));
      else io.out(renderPlanText(plan, { color: io.color, verbose: options.verbose }));
      if (options.out && !options.json) io.err(`Saved the plan to ${options.out}. Apply exactly this plan with: strata apply ${options.out}`);
      io.exitCode = options.detailedExitcode && hasChanges(plan) ? EXIT.CHANGES : EXIT.OK;
    });
}
