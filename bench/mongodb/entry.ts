// What the MongoDB benchmark's Strata side needs, bundled by run.mjs into one ESM file (esbuild).
export { runBackup } from '../../src/backup/run-backup.js';
export { restoreBackup } from '../../src/backup/restore-backup.js';
export { scanTier } from '../../src/observe/scan-tier.js';
export { LocalStorage } from '../../src/storage/local/local-storage.js';
export { formatMongoUri, parseMongoUri } from '../../src/engines/mongodb/mongo-uri.js';
