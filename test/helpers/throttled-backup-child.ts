// Child process for the database crash tests: one backup whose upload is throttled, so the parent can SIGKILL
// it mid-dump. Usage: node --import tsx throttled-backup-child.ts '<json { fixture: SingleSourceOptions, throttleMs }>'
import { Transform } from 'node:stream';
import { runBackup } from '../../src/backup/run-backup.js';
import { chainStreams } from '../../src/pipeline/codecs.js';
import { singleSourceFixture, type SingleSourceOptions } from './single-source-fixture.js';

const { fixture: options, throttleMs } = JSON.parse(process.argv[2] ?? '{}') as { fixture: SingleSourceOptions; throttleMs: number };
const fixture = singleSourceFixture(options);
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
        setTimeout(() => callback(null, chunk), throttleMs);
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
