// Managed files (schedules, runbooks): desired content vs what is on disk.
import type { DesiredFile, ObservedFiles } from './observed-model.js';
import type { FileAction } from './plan-model.js';

export function planFiles(
  system: string,
  type: FileAction['type'],
  desired: readonly DesiredFile[],
  observed: ObservedFiles,
): FileAction[] {
  const actions: FileAction[] = [];
  const wanted = new Set<string>();
  for (const file of desired) {
    wanted.add(file.path);
    const current = observed[file.path];
    if (current === undefined || current === null) {
      actions.push({ type, op: 'create', system, path: file.path, reason: 'not present' });
    } else if (current !== file.content) {
      actions.push({ type, op: 'update', system, path: file.path, reason: 'content differs from the policy' });
    }
  }
  for (const [path, content] of Object.entries(observed)) {
    if (content !== null && !wanted.has(path)) {
      actions.push({ type, op: 'delete', system, path, reason: 'written by strata but no longer in the policy' });
    }
  }
  return actions.sort((a, b) => a.path.localeCompare(b.path));
}
