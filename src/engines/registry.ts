// Engines by source type. Sources of other types already validate and render; running them needs
// their engine, which later work adds here.
import type { Source } from '../generated/policy.js';
import type { Engine } from './engine.js';
import { filesEngine } from './files/files-engine.js';
import { mongodbEngine } from './mongodb/mongodb-engine.js';
import { postgresEngine } from './postgres/postgres-engine.js';
import { redisEngine } from './redis/redis-engine.js';

const engines: Partial<Record<Source['type'], Engine>> = {
  files: filesEngine,
  mongodb: mongodbEngine,
  postgres: postgresEngine,
  redis: redisEngine,
};

export function isEngineImplemented(type: string): boolean {
  return Object.prototype.hasOwnProperty.call(engines, type);
}

export function getEngine(type: string): Engine {
  const engine = isEngineImplemented(type) ? engines[type as Source['type']] : undefined;
  if (!engine) {
    throw new Error(`engine "${type}" is not implemented yet: backups of this source cannot run (validate and render work)`);
  }
  return engine;
}
