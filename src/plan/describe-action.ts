// One-line descriptions of actions, shared by the text and Markdown views.
import type { Action } from './plan-model.js';

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
