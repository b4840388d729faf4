// Child process for the crash test: one MongoDB backup whose upload is throttled, so the parent can
// SIGKILL it mid-dump. Usage: node --import tsx backup-child.ts '<json MongoFixtureOptions>'
import { Transform } from 'node:stream';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { chainStreams } from '../../../../src/pipeline/codecs.js';
import { mongoFixture, type MongoFixtureOptions } from './policy-fixture.js';

const options = JSON.parse(process.argv[2] ?? '{}') as MongoFixtureOptions;
const fixture = mongoFixture(options);
const inner = fixture.storages.get('hot')!;
fixture.storages.set('hot', {
  kind: inner.kind,
  location: inner.location,
  get: (key) => inner.get(key),
  head: (key) => inner.head(key),
  list: (prefix) => inner.list(prefix),
  delete: (keys) => inner.delete(keys),
  put: (key, body) => {
    const slow = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        setTimeout(() => callback(null, chunk), 100);
      },
    });
    return inner.put(key, key.endsWith('manifest.json') ? body : chainStreams(body, [slow]));
  },
});
const result = await runBackup({
  ...fixture,
  resolveSecret: (value) => value,
  onProgress: (p) => process.stdout.write(`progress ${p.phase} ${p.bytes}\n`),
});
process.stdout.write(`done ${result.dir}\n`);
