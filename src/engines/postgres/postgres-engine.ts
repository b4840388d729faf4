// The PostgreSQL engine: pg_dump -Fc out, pg_restore in (see pg-backup.ts and pg-restore.ts).
import type { Engine } from '../engine.js';
import { backupPostgres, formatForSource, MULTI_FORMAT, SINGLE_FORMAT } from './pg-backup.js';
import { probePostgres } from './pg-probe.js';
import { restorePostgres } from './pg-restore.js';
import { createPostgresScratchTarget, removePostgresScratch } from './pg-scratch.js';
import { comparePgStats } from './pg-stats.js';

export const postgresEngine: Engine = {
  type: 'postgres',
  format: SINGLE_FORMAT,
  formats: [SINGLE_FORMAT, MULTI_FORMAT],
  formatFor: formatForSource,
  supportsIncremental: false,
  backup: backupPostgres,
  restore: restorePostgres,
  compareStats: comparePgStats,
  createScratchTarget: createPostgresScratchTarget,
  removeScratch: removePostgresScratch,
  probe: probePostgres,
};
