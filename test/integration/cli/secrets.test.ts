// A planted secret (an env value and a file value, both used in source URLs) must never appear in any
// output of any command, nor in any file Strata writes: units, runbooks, manifests, state.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../helpers/run-cli.js';
import { requireBinaries } from '../../helpers/services.js';

const bins = requireBinaries(['zstd', 'tar'], 'secrets');
const ENV_SECRET = 's3cr3t-PLANTED-9f8e7d';
const FILE_SECRET = 'f1le-PLANTED-3c2b1a';

let root: string;
let env: Record<string, string>;
const outputs: CliRun[] = [];

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

describe.skipIf(bins.skip)('secrets never leak', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-secrets-'));
    await mkdir(join(root, 'data'), { recursive: true });
    await writeFile(join(root, 'data', 'note.txt'), 'ordinary data\n');
    await writeFile(join(root, 'pgpass'), `${FILE_SECRET}\n`, { mode: 0o600 });
    await writeFile(
      join(root, 'policy.yaml'),
      `version: 1
system: leaky
scheduler: { type: cron, file: ./cron/strata-leaky, environment_file: /etc/strata/strata.env }
render: { dir: ./runbooks }
sources:
  site: { type: files, paths: [./data] }
  cache: { type: redis, url: "redis://:\${env:STRATA_TEST_REDIS_PASSWORD}@127.0.0.1:1/0" }
  db: { type: postgres, url: "postgres://app:\${file:${join(root, 'pgpass')}}@127.0.0.1:1/app" }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  offsite: { storage: { type: local, path: ./store/offsite }, offsite: true }
categories:
  web:
    rpo: 1h
    rto: 1h
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 3 } }, { tier: offsite, keep: { last: 3 } } ]
    verify: { checksum: every-backup, restore_test: daily }
  state:
    rpo: 1h
    rto: 1h
    data: [ { source: cache }, { source: db } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 3 } }, { tier: offsite, keep: { last: 3 } } ]
`,
    );
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state'), STRATA_TEST_REDIS_PASSWORD: ENV_SECRET };
    const commands = [
      ['validate'], ['validate', '--format', 'json'], ['validate', '--format', 'github'],
      ['plan'], ['plan', '--json'], ['plan', '--markdown'], ['plan', '--out', join(root, 'saved.plan')],
      ['apply', '--yes', '--progress', 'silent'],
      ['run', 'state', '--job', 'backup', '--progress', 'silent'],
      ['run', 'web', '--job', 'verify', '--progress', 'silent'],
      ['ls'], ['ls', '--json'], ['status'], ['status', '--json'], ['status', '--metrics'],
      ['render', '--out', join(root, 'rendered')], ['render', '--out', join(root, 'rendered'), '--check', '--json'],
      ['restore', 'web', '--to', join(root, 'restored'), '--dry-run'],
      ['restore', 'web', '--to', join(root, 'restored')],
    ];
    for (const args of commands) outputs.push(await runCli(args, env));
  }, 180_000);

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('ran the commands for real (the test cannot pass vacuously)', () => {
    expect(outputs).toHaveLength(19);
    const apply = outputs[7]!;
    // listr2 progress is silenced here; its lines are built from the same action descriptions as the plan text.
    expect(apply.stderr).toContain('> backup   web/site');
    expect(apply.stderr).toMatch(/Apply (complete|failed)/);
    // Both database sources point at a closed port: the job fails loudly, naming host:port, never the password.
    expect(outputs[8]!.code).toBe(1);
    expect(outputs[8]!.stderr).toMatch(/127\.0\.0\.1:1/);
  });

  it('keeps the secrets out of every output', () => {
    for (const run of outputs) {
      expect(run.stdout).not.toContain(ENV_SECRET);
      expect(run.stderr).not.toContain(ENV_SECRET);
      expect(run.stdout).not.toContain(FILE_SECRET);
      expect(run.stderr).not.toContain(FILE_SECRET);
    }
  });

  it('keeps the secrets out of every file strata wrote', async () => {
    const files = (await walk(root)).filter((f) => !f.endsWith('pgpass') && !f.endsWith('policy.yaml'));
    const written = files.filter((f) => /manifest\.json|\/state\/|runbooks|rendered|cron|saved\.plan/.test(f));
    expect(written.length).toBeGreaterThan(8);
    for (const file of files) {
      const text = await readFile(file, 'latin1');
      expect(text, file).not.toContain(ENV_SECRET);
      expect(text, file).not.toContain(FILE_SECRET);
    }
  });
});
