// Issue 8 item 7: `apply` and `render` write one layout, DIR/<system>/…, so `render --check` passes on the
// directory apply wrote (it used to report every file missing: apply wrote runbooks flat into render.dir).
// Two systems share one render.dir, as every example policy of a repository does (`render: { dir: ../runbooks }`),
// and both have a category `web`: the system level is what keeps them apart.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeInstalledFiles } from '../../../src/state/installed-files.js';
import { runCli } from '../../helpers/run-cli.js';

const repo = resolve(import.meta.dirname, '../../..');

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await files(path)));
    else out.push(path);
  }
  return out.sort();
}

function policyYaml(system: string, scheduler: string): string {
  return `version: 1
system: ${system}
scheduler: ${scheduler}
render: { dir: ../runbooks }
sources:
  site: { type: files, paths: [../data] }
tiers:
  hot: { storage: { type: local, path: ../store/${system}/hot } }
  offsite: { storage: { type: local, path: ../store/${system}/offsite }, offsite: true }
defaults: { compression: gzip }
categories:
  web:
    rpo: 1h
    rto: 1h
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 2 } }, { tier: offsite, keep: { last: 2 } } ]
    verify: { checksum: every-backup, restore_test: never }
`;
}

/** A repository with two policies (alpha: systemd, beta: cron) that share render.dir ../runbooks. */
async function makeRepo(prefix: string): Promise<{ root: string; runbooks: string; env: Record<string, string> }> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  await mkdir(join(root, 'data'));
  await mkdir(join(root, 'policies'));
  await writeFile(join(root, 'data', 'index.html'), 'hello\n');
  await writeFile(join(root, 'policies', 'alpha.yaml'), policyYaml('alpha', `{ type: systemd, unit_dir: ../units, strata_bin: ${join(repo, 'bin/strata.js')} }`));
  await writeFile(join(root, 'policies', 'beta.yaml'), policyYaml('beta', '{ type: cron, file: ../cron/strata-beta }'));
  return { root, runbooks: join(root, 'runbooks'), env: { STRATA_POLICIES: join(root, 'policies'), STRATA_STATE_DIR: join(root, 'state') } };
}

describe('apply and render share one layout', () => {
  let root: string;
  let runbooks: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ root, runbooks, env } = await makeRepo('strata-render-layout-'));
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('apply writes render.dir as DIR/<system>/…, and `render --check` on it (explicit or by default) is clean', async () => {
    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect((await files(runbooks)).map((f) => relative(runbooks, f))).toEqual([
      'alpha/README.md',
      'alpha/systemd/strata-alpha-web-backup.service',
      'alpha/systemd/strata-alpha-web-backup.timer',
      'alpha/systemd/strata-alpha-web-prune.service',
      'alpha/systemd/strata-alpha-web-prune.timer',
      'alpha/web.md',
      'beta/README.md',
      'beta/cron/strata-beta',
      'beta/web.md',
    ]);
    // The copy in render.dir is the unit apply installed, byte for byte.
    expect(await readFile(join(runbooks, 'alpha/systemd/strata-alpha-web-backup.timer'), 'utf8')).toBe(await readFile(join(root, 'units/strata-alpha-web-backup.timer'), 'utf8'));

    const check = await runCli(['render', '--check', '--out', runbooks], env);
    expect(check.stdout).toBe('');
    expect(check.stderr).toContain('All 9 rendered files are up to date.');
    expect(check.code).toBe(0);
    const byDefault = await runCli(['render', '--check'], env);
    expect(byDefault.code, byDefault.stdout + byDefault.stderr).toBe(0);
    const again = await runCli(['plan', '--detailed-exitcode'], env);
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);
  });

  it('`render --out X` then `render --check --out X` is clean, with the same files and contents as apply wrote', async () => {
    const out = join(root, 'rendered');
    expect((await runCli(['render', '--out', out], env)).code).toBe(0);
    const check = await runCli(['render', '--check', '--out', out], env);
    expect(check.code, check.stdout + check.stderr).toBe(0);
    const rendered = await files(out);
    expect(rendered.map((f) => relative(out, f))).toEqual((await files(runbooks)).map((f) => relative(runbooks, f)));
    for (const file of rendered) expect(await readFile(file, 'utf8')).toBe(await readFile(join(runbooks, relative(out, file)), 'utf8'));
  });

  it('`render --check` still catches a stale, a missing and an extra file in render.dir', async () => {
    await writeFile(join(runbooks, 'beta/web.md'), 'edited by hand\n');
    await rm(join(runbooks, 'alpha/README.md'));
    await writeFile(join(runbooks, 'alpha/old.md'), 'a category the policy dropped\n');
    const check = await runCli(['render', '--check'], env);
    expect(check.code).toBe(1);
    const lines = check.stdout.trim().split('\n').map((l) => l.replace(/\s+/, ' ').replace(`${relative(process.cwd(), runbooks)}/`, ''));
    expect(lines.sort()).toEqual(['extra alpha/old.md', 'missing alpha/README.md', 'stale beta/web.md']);
  });
});

describe('upgrading from the flat layout of earlier versions', () => {
  let root: string;
  let runbooks: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    ({ root, runbooks, env } = await makeRepo('strata-render-upgrade-'));
  });

  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('plans the flat runbooks an earlier apply wrote (and recorded) for removal, and apply removes them', async () => {
    await mkdir(runbooks, { recursive: true });
    await writeFile(join(runbooks, 'web.md'), '# flat runbook of an earlier strata\n');
    await writeFile(join(runbooks, 'notes.md'), 'not written by strata\n');
    await writeInstalledFiles(join(root, 'state'), 'alpha', { schedules: [], rendered: [join(runbooks, 'web.md')] });
    const planned = await runCli(['plan'], env);
    expect(planned.stdout).toContain(`- render   ${join(runbooks, 'web.md')}`);
    expect(planned.stdout).not.toContain('notes.md');
    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(0);
    const left = (await files(runbooks)).map((f) => relative(runbooks, f));
    expect(left).not.toContain('web.md');
    expect(left).toContain('notes.md');
    expect((await runCli(['render', '--check'], env)).code).toBe(0);
  });
});
