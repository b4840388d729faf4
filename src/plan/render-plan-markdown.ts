// Markdown view for PR comments and job summaries. GitHub caps comments at 65,535 characters
// (Atlantis #55), so large plans are summarised per system and type instead of listed.
import { OP_SYMBOL, describeTarget } from './describe-action.js';
import type { Plan } from './plan-model.js';
import { formatSummaryLine } from './render-plan-text.js';

const LIMIT = 60_000;

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderPlanMarkdown(plan: Plan, opts: { limit?: number } = {}): string {
  const head = ['## Strata plan', ''];
  if (plan.actions.length === 0) head.push('**No changes.** Backups, schedules and rendered files match the policies.', '');
  else head.push(`**${formatSummaryLine(plan)}**`, '');
  const problems: string[] = [];
  if (plan.notes?.length) {
    problems.push('### Notes', '', ...plan.notes.map((n) => `- ${n}`), '');
  }
  if (plan.problems.length > 0) {
    problems.push('### Problems', '');
    for (const p of plan.problems) {
      const where = [p.system, p.category, p.source, p.tier && `tier ${p.tier}`].filter(Boolean).join('/');
      problems.push(`- ⚠️ \`${where}\`: ${p.message}${p.hint ? ` — _${p.hint}_` : ''}`);
    }
    problems.push('');
  }
  const table = ['| | action | target | reason |', '|---|---|---|---|'];
  for (const a of plan.actions) {
    table.push(`| \`${OP_SYMBOL[a.op]}\` | ${a.type} | \`${escapeCell(a.system)}\` ${escapeCell(describeTarget(a))} | ${escapeCell(a.reason)} |`);
  }
  const full = [...head, ...(plan.actions.length ? [...table, ''] : []), ...problems].join('\n');
  if (full.length <= (opts.limit ?? LIMIT)) return full;
  const counts = new Map<string, number>();
  for (const a of plan.actions) counts.set(`${a.system}|${a.type}|${a.op}`, (counts.get(`${a.system}|${a.type}|${a.op}`) ?? 0) + 1);
  const summary = ['| system | action | count |', '|---|---|---|'];
  for (const [key, count] of [...counts].sort()) {
    const [system, type, op] = key.split('|') as [string, string, keyof typeof OP_SYMBOL];
    summary.push(`| \`${system}\` | \`${OP_SYMBOL[op]}\` ${type} | ${count} |`);
  }
  return [...head, `_The full plan is too long for a comment; run \`strata plan\` or see the job log._`, '', ...summary, '', ...problems].join('\n');
}
