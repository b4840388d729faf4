// Child process for crash-safety tests: runs one backup and reports progress on stdout, so the parent
// can SIGKILL it mid-transfer. Usage: node --import tsx test/helpers/backup-child.ts '<json FilesPolicyOptions>'
import { runBackup } from '../../src/backup/run-backup.js';
import { filesFixture, identity, type FilesPolicyOptions } from './files-policy.js';

const options = JSON.parse(process.argv[2] ?? '{}') as FilesPolicyOptions;
const fixture = filesFixture(options);
const result = await runBackup({
  policy: fixture.policy,
  category: fixture.category,
  data: fixture.data,
  storages: fixture.storages,
  resolveSecret: identity,
  onProgress: (p) => process.stdout.write(`progress ${p.phase} ${p.bytes}\n`),
});
process.stdout.write(`done ${result.dir}\n`);
