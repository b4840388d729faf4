// Engines that manage settings on their source (Redis persistence today) register here; observe reads them,
// the planner diffs them, apply writes them.
import type { Source } from '../generated/policy.js';
import type { SettingChange } from '../plan/plan-model.js';

export interface SourceSettingsHandler<S extends Source = Source> {
  /** Pure: the settings the policy asks for, normalised as the server reports them. Empty when none are managed. */
  desired(source: S): Record<string, string>;
  read(source: S, resolveSecret: (v: string) => string): Promise<Record<string, string>>;
  apply(source: S, resolveSecret: (v: string) => string, changes: SettingChange[]): Promise<{ notes: string[] }>;
}

const handlers: Partial<Record<Source['type'], SourceSettingsHandler>> = {};

export function registerSourceSettings<T extends Source['type']>(type: T, handler: SourceSettingsHandler<Extract<Source, { type: T }>>): void {
  handlers[type] = handler as unknown as SourceSettingsHandler;
}

export function sourceSettingsHandler(source: Source): SourceSettingsHandler | undefined {
  const handler = handlers[source.type];
  return handler && Object.keys(handler.desired(source)).length > 0 ? handler : undefined;
}
