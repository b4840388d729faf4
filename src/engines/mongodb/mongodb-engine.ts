// The MongoDB engine: a logical dump through the official driver in mongodump's directory layout, in a
// tar (`mongodump-tar`), so `tar x` + `mongorestore --dir` restore it without Strata.
import type { Engine } from '../engine.js';
import { backupMongodb, MONGODUMP_TAR_FORMAT } from './mongo-backup.js';
import { restoreMongodb } from './mongo-restore.js';
import { createMongoScratchTarget, probeMongodb, removeMongoScratch } from './mongo-scratch.js';
import { compareMongoStats } from './mongo-stats.js';

export const mongodbEngine: Engine = {
  type: 'mongodb',
  format: MONGODUMP_TAR_FORMAT,
  supportsIncremental: false,
  backup: backupMongodb,
  restore: restoreMongodb,
  compareStats: compareMongoStats,
  createScratchTarget: (request) => createMongoScratchTarget(request),
  removeScratch: removeMongoScratch,
  probe: probeMongodb,
};
