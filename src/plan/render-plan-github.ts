// GitHub Actions view: one `::error` annotation per problem, so a PR whose plan found an unreachable source or
// tier shows it on the checks page, then the human plan for the job log. Sources and tiers that were not
// checked (no secrets in PR CI) are no problem and get no annotation: the health section in the log names them.
import { escapeGithubData, escapeGithubProperty } from '../policy/format-diagnostics.js';
import { describeProblemPlace } from './describe-action.js';
import type { Plan } from './plan-model.js';
import { formatSummaryLine, renderPlanText, splitNotHere } from './render-plan-text.js';

export function renderPlanGithub(plan: Plan, opts: { verbose?: boolean } = {}): string {
  // A job that cannot run only for lack of a secret here (PR CI) is a warning; everything else fails the check.
  const lines = plan.problems.map((p) => {
    const text = p.hint ? `${p.message} (${p.hint})` : p.message;
    const level = p.kind === 'not-here' ? 'warning' : 'error';
    return `::${level} title=${escapeGithubProperty(`strata plan: ${describeProblemPlace(p)}`)}::${escapeGithubData(text)}`;
  });
  const summary = plan.actions.length === 0 ? 'No changes.' : formatSummaryLine(plan);
  const count = splitNotHere(plan.problems)[1].length;
  const problems = count === 0 ? 'No problems.' : count === 1 ? '1 problem.' : `${count} problems.`;
  lines.push(`::notice title=strata plan::${escapeGithubData(`${summary} ${problems}`)}`);
  return `${lines.join('\n')}\n${renderPlanText(plan, { color: false, verbose: opts.verbose })}`;
}
