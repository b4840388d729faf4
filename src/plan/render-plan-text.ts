// The human view of a plan, terraform style. Colour is optional so the output also reads well in logs.
import { HEALTH_LABEL, OP_SYMBOL, describeHealthTarget, describeProblemPlace, describeTarget } from './describe-action.js';
import type { Action, HealthCheck, Plan, Problem } from './plan-model.js';

const ANSI = { green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', cyan: '\x1b[36m', bold: '\x1b[1m', dim: '\x1b[2m', reset: '\x1b[0m' };
const OP_COLOUR: Record<Action['op'], keyof typeof ANSI> = { create: 'green', update: 'yellow', delete: 'red', run: 'cyan' };
const HEALTH_COLOUR: Record<HealthCheck['status'], keyof typeof ANSI> = { reachable: 'green', unreachable: 'red', 'not-checked': 'yellow' };

/** Problems that only mean "not in this environment" (kind not-here), and the others. */
export function splitNotHere(problems: readonly Problem[]): [Problem[], Problem[]] {
  return [problems.filter((p) => p.kind === 'not-here'), problems.filter((p) => p.kind !== 'not-here')];
}

export function formatSummaryLine(plan: Plan): string {
  const s = plan.summary;
  return `Plan: ${s.add} to add, ${s.change} to change, ${s.destroy} to destroy, ${s.run} to run.`;
}

export function renderPlanText(plan: Plan, opts: { color?: boolean; verbose?: boolean } = {}): string {
  const paint = (colour: keyof typeof ANSI, text: string) => (opts.color ? `${ANSI[colour]}${text}${ANSI.reset}` : text);
  const lines: string[] = [];
  if (plan.actions.length === 0 && plan.problems.length > 0) {
    // Never a bare "No changes." while something is broken: that is how a dead source went unnoticed.
    const onlyNotHere = splitNotHere(plan.problems)[1].length === 0;
    lines.push(paint('yellow', onlyNotHere ? 'No changes to make here, but some jobs cannot run in this environment (see below).' : 'No changes to make, but the plan found problems (see Problems below).'), '');
  } else if (plan.actions.length === 0) {
    lines.push(paint('green', 'No changes.') + ' Backups, schedules and rendered files match the policies.');
  } else {
    lines.push('Strata will perform the following actions:', '');
    for (const system of plan.systems) {
      const actions = plan.actions.filter((a) => a.system === system);
      if (actions.length === 0) continue;
      lines.push(paint('bold', `  # ${system}`));
      for (const action of actions) {
        const head = `${OP_SYMBOL[action.op]} ${action.type.padEnd(8)} ${describeTarget(action)}`;
        lines.push(`  ${paint(OP_COLOUR[action.op], head)}`);
        lines.push(`      ${paint('dim', action.reason)}`);
        if (action.type === 'bucket') for (const d of action.detail) lines.push(`      ${paint('dim', `  ${d}`)}`);
      }
      lines.push('');
    }
  }
  // Survivors are explained wherever something is pruned (sanoid #159: "why isn't it pruning?"), or always with --verbose.
  const pruned = new Set(plan.actions.flatMap((a) => (a.type === 'prune' ? [`${a.system}/${a.category}/${a.source}/${a.tier}`] : [])));
  const kept = plan.retention.filter((r) => r.kept.length > 0 && (opts.verbose || pruned.has(`${r.system}/${r.category}/${r.source}/${r.tier}`)));
  if (kept.length > 0) {
    lines.push('Retention (why each backup is kept):');
    for (const report of kept) {
      lines.push(`  ${report.system}/${report.category}/${report.source} in ${report.tier}:`);
      for (const k of report.kept) lines.push(`    ${k.backup_id}${k.pending ? ' (after apply)' : ''}: ${k.reasons.join('; ')}`);
    }
    lines.push('');
  }
  if (plan.notes?.length) {
    lines.push('Notes:');
    for (const note of plan.notes) lines.push(`  - ${note}`);
    lines.push('');
  }
  const health = plan.health ?? [];
  if (health.length > 0) {
    if (plan.actions.length === 0 && plan.problems.length === 0) lines.push('');
    lines.push('Health of sources and tiers:');
    // One width for every plan, so the column does not move when a source goes down.
    const width = Math.max(...Object.values(HEALTH_LABEL).map((label) => label.length));
    for (const h of health) {
      const label = paint(HEALTH_COLOUR[h.status], HEALTH_LABEL[h.status].padEnd(width));
      lines.push(`  ${label}  ${h.system} ${describeHealthTarget(h)}${h.detail ? `: ${h.detail}` : ''}`);
    }
    lines.push('');
  }
  const [notHere, problems] = splitNotHere(plan.problems);
  const listProblems = (title: string, colour: keyof typeof ANSI, list: Problem[]) => {
    if (list.length === 0) return;
    lines.push(paint(colour, title));
    for (const p of list) {
      lines.push(`  ! ${describeProblemPlace(p)}: ${p.message}`);
      if (p.hint) lines.push(`      hint: ${p.hint}`);
    }
    lines.push('');
  };
  listProblems('Problems (these parts of the plan cannot run):', 'red', problems);
  listProblems('Cannot run here (a secret or the age identity is not set in this environment; the host that applies needs it):', 'yellow', notHere);
  if (plan.actions.length > 0) lines.push(paint('bold', formatSummaryLine(plan)));
  return lines.join('\n') + '\n';
}
