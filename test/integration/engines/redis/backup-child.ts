// Child process for the kill test: runs one Redis backup and reports progress on stdout, so the parent
// can SIGKILL it mid-transfer. Usage: node --import tsx backup-child.ts '<json RedisFixtureOptions>'
import { runBackup } from '../../../../src/backup/run-backup.js';
import { identity, redisFixture, type RedisFixtureOptions } from '../../../helpers/redis-server.js';

const options = JSON.parse(process.argv[2] ?? '{}') as RedisFixtureOptions;
const fixture = redisFixture(options);
const result = await runBackup({
  ...fixture,
  resolveSecret: identity,
  onProgress: (p) => process.stdout.write(`progress ${p.phase} ${p.bytes}\n`),
});
process.stdout.write(`done ${result.dir}\n`);
