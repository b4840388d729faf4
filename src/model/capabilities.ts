// What each source type can do, in one place: validate, plan and the engines read it from here.
import type { Source } from '../generated/policy.js';

export type SourceType = Source['type'];

interface Capabilities {
  /** Whether the engine can take incremental backups (none can yet). */
  incremental: boolean;
}

const CAPABILITIES: Record<SourceType, Capabilities> = {
  files: { incremental: false },
  redis: { incremental: false },
  postgres: { incremental: false },
  mongodb: { incremental: false },
};

export function supportsIncremental(type: SourceType): boolean {
  return CAPABILITIES[type]?.incremental ?? false;
}
