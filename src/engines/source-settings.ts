// Engines that manage settings on their source (Redis persistence, seed 004) are listed here; observe reads
// them, the planner diffs them, apply writes them.
import type { RedisSource, Source } from '../generated/policy.js';
import type { SettingChange } from '../plan/plan-model.js';
import { applyPersistence, desiredPersistence, readPersistence } from './redis/persistence.js';

export interface SourceSettingsHandler {
  /** Pure: the settings the policy asks for, normalised as the server reports them. Empty when none are managed. */
  desired(source: Source): Record<string, string>;
  read(source: Source, resolveSecret: (v: string) => string): Promise<Record<string, string>>;
  apply(source: Source, resolveSecret: (v: string) => string, changes: SettingChange[]): Promise<{ notes: string[] }>;
}

const redisPersistence: SourceSettingsHandler = {
  desired: (source) => desiredPersistence(source as RedisSource),
  read: (source, resolveSecret) => readPersistence(source as RedisSource, resolveSecret),
  apply: async (source, resolveSecret, changes) => {
    const result = await applyPersistence(source as RedisSource, resolveSecret, changes);
    return { notes: [...result.notes, ...(result.rewritten ? ['CONFIG REWRITE saved the settings to redis.conf'] : [])] };
  },
};

const handlers: Partial<Record<Source['type'], SourceSettingsHandler>> = { redis: redisPersistence };

export function sourceSettingsHandler(source: Source): SourceSettingsHandler | undefined {
  const handler = handlers[source.type];
  return handler && Object.keys(handler.desired(source)).length > 0 ? handler : undefined;
}
