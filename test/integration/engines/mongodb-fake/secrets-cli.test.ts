// FAKE mongod: the CLI on a password-protected MongoDB (the fake's SCRAM-SHA-256) never leaks the
// connection string. A planted password and appName in the source URI (through ${env:…}) go through
// validate, plan (which probes), apply, backup, the restore test, ls, status and restores to a
// ${env:…} target; a wrong password is refused with "Authentication failed". Neither secret appears in
// any output or in any file Strata writes. Mirrors test/integration/engines/mongodb/secrets.test.ts.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatMongoUri, parseMongoUri } from '../../../../src/engines/mongodb/mongo-uri.js';
import { startFakeMongod, type FakeMongod } from '../../../helpers/fake-mongod/fake-mongod.js';
import { runCli, type CliRun } from '../../../helpers/run-cli.js';
import { requireBinaries } from '../../../helpers/services.js';
import { announceFake } from './fake-fixture.js';

announceFake('secrets-cli.test.ts');

const bins = requireBinaries(['zstd'], 'FAKE mongod CLI secrets');
const USER = 'strata-backup';
const PASSWORD = 'Pl4nted:pw@m0ngo/%x';
const APP_NAME = 'Pl4ntedAppName9';

function uriWith(base: string, password: string, database?: string): string {
  const parsed = parseMongoUri(base);
  return formatMongoUri({
    ...parsed,
    userinfo: `${encodeURIComponent(USER)}:${encodeURIComponent(password)}`,
    database,
    query: [...parsed.query, ['authSource', 'admin'], ['appName', APP_NAME]],
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

describe.skipIf(bins.skip)('FAKE mongod: strata CLI on a password-protected MongoDB leaks no secret', () => {
  let fake: FakeMongod;
  let root: string;
  let client: MongoClient;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await startFakeMongod({ users: [{ user: USER, password: PASSWORD }] });
    root = await mkdtemp(join(tmpdir(), 'strata-fake-mongo-cli-'));
    client = new MongoClient(uriWith(fake.uri, PASSWORD));
    await client.connect();
    await client.db('app').collection('things').insertMany(Array.from({ length: 25 }, (_, i) => ({ i, note: `thing ${i}` })));
    await writeFile(
      join(root, 'policy.yaml'),
      `version: 1
system: fakemongo
sources:
  app-db:
    type: mongodb
    uri: "\${env:APP_MONGO_URI}"
    include: [app]
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  offsite: { storage: { type: local, path: ./store/offsite }, offsite: true }
categories:
  records:
    rpo: 1h
    rto: 1h
    data: [ { source: app-db } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 3 } }, { tier: offsite, keep: { last: 3 } } ]
    verify: { checksum: every-backup, restore_test: daily }
`,
    );
    env = {
      STRATA_POLICIES: join(root, 'policy.yaml'),
      STRATA_STATE_DIR: join(root, 'state'),
      APP_MONGO_URI: uriWith(fake.uri, PASSWORD),
      RESTORE_MONGO_URI: uriWith(fake.uri, PASSWORD, 'restored'),
    };
  });

  afterAll(async () => {
    await client?.close();
    await fake?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('backs up, verifies and restores through the CLI; a wrong password is refused; no output or file holds a secret', async () => {
    const outputs: CliRun[] = [];
    const cli = async (args: string[], extra: Record<string, string> = {}): Promise<CliRun> => {
      const run = await runCli(args, { ...env, ...extra });
      outputs.push(run);
      return run;
    };
    for (const args of [['validate'], ['plan'], ['plan', '--json']]) expect((await cli(args)).code).toBeLessThan(3);
    const applied = await cli(['apply', '--yes', '--progress', 'silent']);
    expect(applied.code, applied.stderr).toBe(0);
    const backup = await cli(['run', 'records', '--job', 'backup', '--progress', 'silent']);
    expect(backup.code, backup.stderr).toBe(0);
    const verify = await cli(['run', 'records', '--job', 'verify', '--progress', 'silent']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const ls = await cli(['ls', '--json']);
    expect((JSON.parse(ls.stdout) as { backups: unknown[] }).backups.length).toBeGreaterThanOrEqual(2);
    // The restore test ran (apply runs it when it is due) and passed.
    expect((await cli(['status'])).stdout).toMatch(/^fakemongo\s+records\s.*checksum ok .* \d+ms \/ 1h ok\s*$/m);
    await cli(['status', '--json']);
    await cli(['restore', 'records', '--to', '${env:RESTORE_MONGO_URI}', '--dry-run']);
    const restored = await cli(['restore', 'records', '--to', '${env:RESTORE_MONGO_URI}', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(await client.db('restored').collection('things').countDocuments()).toBe(25);
    // Restoring again into the same target: the collection exists, an error that must not echo the URI.
    const again = await cli(['restore', 'records', '--to', '${env:RESTORE_MONGO_URI}']);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already has restored\.things/);

    const wrong = await cli(['run', 'records', '--job', 'backup', '--progress', 'silent'], { APP_MONGO_URI: uriWith(fake.uri, `${PASSWORD}-wrong`) });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toMatch(/Authentication failed/);

    const texts = outputs.map((o) => `${o.stdout}\n${o.stderr}`);
    for (const file of await filesUnder(root)) texts.push((await readFile(file)).toString('latin1'));
    const everything = texts.join('\n');
    for (const secret of [PASSWORD, encodeURIComponent(PASSWORD), `${PASSWORD}-wrong`, APP_NAME, env.APP_MONGO_URI!, env.RESTORE_MONGO_URI!]) {
      expect(everything).not.toContain(secret);
    }
  });
});
