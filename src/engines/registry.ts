// Engines by source type, loaded on first use: the database drivers (mongodb alone is ~22 MB of heap)
// stay out of processes that never touch them, which keeps a files backup well under the RSS budget.
import type { Source } from '../generated/policy.js';
import type { Engine } from './engine.js';

const loaders: Record<Source['type'], () => Promise<Engine>> = {
  files: async () => (await import('./files/files-engine.js')).filesEngine,
  mongodb: async () => (await import('./mongodb/mongodb-engine.js')).mongodbEngine,
  postgres: async () => (await import('./postgres/postgres-engine.js')).postgresEngine,
  redis: async () => (await import('./redis/redis-engine.js')).redisEngine,
};

export function isEngineImplemented(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(loaders, type);
}

export async function getEngine(type: string): Promise<Engine> {
  if (!isEngineImplemented(type)) {
    throw new Error(`engine "${type}" is not implemented: backups of this source cannot run (validate and render work)`);
  }
  return loaders[type as Source['type']]();
}
