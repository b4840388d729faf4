// The files engine: a tar stream of directories and files (opens with any tar).
import type { Engine } from '../engine.js';
import { compareFileStats } from './file-stats.js';
import { probeFiles } from './files-probe.js';
import { backupFiles } from './tar-backup.js';
import { restoreFiles } from './tar-restore.js';

export const filesEngine: Engine = {
  type: 'files',
  format: 'tar',
  supportsIncremental: false,
  backup: backupFiles,
  restore: restoreFiles,
  compareStats: compareFileStats,
  probe: probeFiles,
};
