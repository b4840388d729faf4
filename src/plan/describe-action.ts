// One-line descriptions of actions, shared by the text and Markdown views.
import type { Action, HealthCheck, Problem } from './plan-model.js';

export const OP_SYMBOL: Record<Action['op'], string> = { create: '+', update: '~', delete: '-', run: '>' };

export function describeTarget(action: Action): string {
  switch (action.type) {
    case 'backup':
      return `${action.category}/${action.source}`;
    case 'copy':
      return `${action.category}/${action.source} ${action.backup_id} ${action.from_tier} → ${action.to_tier}`;
    case 'prune':
      return `${action.category}/${action.source} ${action.backup_id} from ${action.tier}`;
    case 'verify':
      return `${action.category} ${action.check}`;
    case 'cleanup':
      return `${action.tier}:${action.dir} (${action.bytes} bytes)`;
    case 'scratch':
      return `${action.category}/${action.source}: ${action.description}`;
    case 'schedule':
    case 'render':
      return action.path;
    case 'bucket':
      return `tier ${action.tier} bucket ${action.bucket}: ${action.kind}`;
    case 'source-config':
      return `source ${action.source} settings`;
  }
}

/** Where a problem is, e.g. `demo/db/db` or `demo/tier offsite`. */
export function describeProblemPlace(problem: Problem): string {
  return [problem.system, problem.category, problem.source, problem.tier && `tier ${problem.tier}`].filter(Boolean).join('/');
}

export const HEALTH_LABEL: Record<HealthCheck['status'], string> = { reachable: 'reachable', unreachable: 'UNREACHABLE', 'not-checked': 'not checked' };

/** e.g. `source cache (redis)` or `tier offsite (s3 s3://bucket/prefix/)`. */
export function describeHealthTarget(check: HealthCheck): string {
  return `${check.kind} ${check.name} (${[check.type, check.location].filter(Boolean).join(' ')})`;
}
