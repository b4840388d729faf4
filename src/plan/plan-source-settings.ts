// Source settings (e.g. Redis persistence from seed 004) are planned resources: diff desired vs actual.
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { ObservedSystem } from './observed-model.js';
import type { Problem, SettingChange, SourceConfigAction } from './plan-model.js';

export function diffSettings(desired: Record<string, string>, actual: Record<string, string>): SettingChange[] {
  return Object.keys(desired)
    .sort()
    .filter((key) => actual[key] !== desired[key])
    .map((key) => ({ key, from: actual[key] ?? '(unset)', to: desired[key] as string }));
}

export function planSourceSettings(policy: ResolvedPolicy, observed: ObservedSystem): { actions: SourceConfigAction[]; problems: Problem[] } {
  const actions: SourceConfigAction[] = [];
  const problems: Problem[] = [];
  for (const [source, settings] of Object.entries(observed.sourceSettings ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (settings.error || !settings.actual) {
      const notHere = observed.sourceHealth?.[source]?.secretMissing;
      problems.push({
        system: policy.system, source, message: `cannot read the settings of source ${source}: ${settings.error ?? 'no answer'}`,
        ...(notHere ? { kind: 'not-here' as const } : {}),
      });
      continue;
    }
    const changes = diffSettings(settings.desired, settings.actual);
    if (changes.length === 0) continue;
    actions.push({
      type: 'source-config', op: 'update', system: policy.system, source, changes,
      reason: changes.map((c) => `${c.key}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join(', '),
    });
  }
  return { actions, problems };
}
