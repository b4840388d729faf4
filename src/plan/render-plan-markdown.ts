// Markdown view for PR comments and job summaries. Problems come first: a reviewer who reads one line of the
// comment must learn that a source or tier is down. GitHub caps comments at 65,535 characters (Atlantis #55),
// so large plans are summarised per system and type instead of listed.
import { HEALTH_LABEL, OP_SYMBOL, describeProblemPlace, describeTarget } from './describe-action.js';
import type { HealthCheck, Plan, Problem } from './plan-model.js';
import { formatSummaryLine, splitNotHere } from './render-plan-text.js';

const LIMIT = 60_000;
const HEALTH_ICON: Record<HealthCheck['status'], string> = { reachable: '✅', unreachable: '❌', 'not-checked': '➖' };

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function problemLine(p: Problem): string {
  return `- ⚠️ \`${describeProblemPlace(p)}\`: ${p.message}${p.hint ? ` — _${p.hint}_` : ''}`;
}

function problemSection(plan: Plan): string[] {
  const [notHere, problems] = splitNotHere(plan.problems);
  const lines: string[] = [];
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    lines.push(`### ⛔ ${count}: these parts of the plan cannot run`, '', ...problems.map(problemLine), '');
  }
  if (notHere.length > 0) {
    lines.push('### Cannot run here', '', '_A secret or the age identity is not set in this environment (PR CI has neither); the host that applies needs it._', '', ...notHere.map(problemLine), '');
  }
  return lines;
}

function healthRow(h: HealthCheck): string {
  const what = `${h.kind} \`${escapeCell(h.name)}\` (${escapeCell([h.type, h.location].filter(Boolean).join(' '))})`;
  const status = h.status === 'unreachable' ? `**${HEALTH_LABEL[h.status]}**` : HEALTH_LABEL[h.status];
  return `| ${HEALTH_ICON[h.status]} | \`${escapeCell(h.system)}\` | ${what} | ${status} | ${escapeCell(h.detail ?? '')} |`;
}

/** Every source and tier; in a summarised plan only the ones that are not reachable, and a count of the rest. */
function healthSection(plan: Plan, summarised: boolean): string[] {
  const health = plan.health ?? [];
  if (health.length === 0) return [];
  const shown = summarised ? health.filter((h) => h.status !== 'reachable') : health;
  const lines = ['### Health of sources and tiers', ''];
  if (shown.length > 0) lines.push('| | system | source or tier | status | detail |', '|---|---|---|---|---|', ...shown.map(healthRow), '');
  const hidden = health.length - shown.length;
  if (hidden > 0) lines.push(`${shown.length > 0 ? 'The other ' : 'All '}${hidden} sources and tiers are reachable.`, '');
  return lines;
}

export function renderPlanMarkdown(plan: Plan, opts: { limit?: number } = {}): string {
  const head = ['## Strata plan', '', ...problemSection(plan)];
  if (plan.actions.length === 0) head.push('**No changes.** Backups, schedules and rendered files match the policies.', '');
  else head.push(`**${formatSummaryLine(plan)}**`, '');
  const notes = plan.notes?.length ? ['### Notes', '', ...plan.notes.map((n) => `- ${n}`), ''] : [];
  const table = ['| | action | target | reason |', '|---|---|---|---|'];
  for (const a of plan.actions) {
    table.push(`| \`${OP_SYMBOL[a.op]}\` | ${a.type} | \`${escapeCell(a.system)}\` ${escapeCell(describeTarget(a))} | ${escapeCell(a.reason)} |`);
  }
  const full = [...head, ...(plan.actions.length ? [...table, ''] : []), ...healthSection(plan, false), ...notes].join('\n');
  if (full.length <= (opts.limit ?? LIMIT)) return full;
  const counts = new Map<string, number>();
  for (const a of plan.actions) counts.set(`${a.system}|${a.type}|${a.op}`, (counts.get(`${a.system}|${a.type}|${a.op}`) ?? 0) + 1);
  const summary = ['| system | action | count |', '|---|---|---|'];
  for (const [key, count] of [...counts].sort()) {
    const [system, type, op] = key.split('|') as [string, string, keyof typeof OP_SYMBOL];
    summary.push(`| \`${system}\` | \`${OP_SYMBOL[op]}\` ${type} | ${count} |`);
  }
  return [
    ...head,
    `_The full plan is too long for a comment; run \`strata plan\` or see the job log._`,
    '',
    ...summary,
    '',
    ...healthSection(plan, true),
    ...notes,
  ].join('\n');
}
