// `apply --policies X PLANFILE` used to read PLANFILE as a second policy (--policies takes several values);
// `apply PLANFILE --policies X` worked. Both orders must apply the saved plan, through the CLI, on real files.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

let root: string;
let policy: string;
let env: Record<string, string | undefined>;

// gzip and no encryption: the files engine needs no external binary.
const POLICY = `version: 1
system: order
scheduler: { type: none }
sources:
  site: { type: files, paths: [./data] }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  offsite: { storage: { type: local, path: ./store/offsite }, offsite: true }
defaults: { compression: gzip }
categories:
  web:
    rpo: 1h
    rto: 30m
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies:
      - { tier: hot, keep: { last: 3 } }
      - { tier: offsite, keep: { last: 3 } }
    verify: { checksum: never, restore_test: never }
`;

async function savePlan(name: string): Promise<string> {
  const file = join(root, name);
  const saved = await runCli(['plan', '--policies', policy, '--out', file], env);
  expect(saved.code, saved.stderr).toBe(0);
  return file;
}

describe('apply: the saved plan before or after --policies', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-apply-order-'));
    await mkdir(join(root, 'data'), { recursive: true });
    await writeFile(join(root, 'data', 'index.html'), '<h1>order</h1>\n');
    policy = join(root, 'policy.yaml');
    await writeFile(policy, POLICY);
    // No STRATA_POLICIES: the policy comes from --policies only.
    env = { STRATA_POLICIES: undefined, STRATA_STATE_DIR: join(root, 'state') };
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('applies `apply --policies X PLANFILE`, and the plan is the saved one (it goes stale after)', async () => {
    const plan = await savePlan('first.plan');
    const applied = await runCli(['apply', '--policies', policy, plan, '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).not.toContain('not valid');
    const ls = await runCli(['ls', '--policies', policy, '--json'], env);
    expect(ls.stdout).toContain('"category": "web"');
    // The same plan again: the world changed (a backup exists now), so apply refuses it as a saved plan.
    const again = await runCli(['apply', '--policies', policy, plan, '--progress', 'silent'], env);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('the saved plan is stale');
  });

  it('applies `apply PLANFILE --policies X` the same way', async () => {
    const plan = await savePlan('second.plan');
    const applied = await runCli(['apply', plan, '--policies', policy, '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(0);
  });

  it('knows a plan by its content, whatever its name, among several policy paths', async () => {
    const plan = await savePlan('saved-plan.yaml');
    const applied = await runCli(['apply', '--policies', policy, plan, '--progress', 'silent'], env);
    expect(applied.code, applied.stderr).toBe(0);
  });

  it('refuses two plans clearly', async () => {
    const a = await savePlan('a.plan');
    const b = await savePlan('b.plan');
    const two = await runCli(['apply', a, '--policies', policy, b], env);
    expect(two.code).toBe(1);
    // --policies takes one path (repeat it for several), so the second plan is a second positional argument.
    expect(two.stderr).toContain("too many arguments for 'apply'. Expected 1 argument but got 2.");
    expect(two.stderr).toContain('(run with --help for usage)');
    const both = await runCli(['apply', a, '--policies', policy, '--policies', b], env);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('apply takes one saved plan, got 2');
    expect(both.stderr).toContain('hint:');
  });

  it('still reads a JSON file that is not a plan as a policy (and says it is not valid)', async () => {
    const notAPlan = join(root, 'other.json');
    await writeFile(notAPlan, '{"format_version": "1.0"}\n');
    const run = await runCli(['apply', '--policies', policy, '--policies', notAPlan, '--yes', '--progress', 'silent'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the policies are not valid');
  });

  it('takes --policies before the positional argument of every command (it is repeated, not variadic)', async () => {
    const second = join(root, 'second.yaml');
    await writeFile(second, POLICY.replace('system: order', 'system: other').replace('web:', 'docs:'));
    expect((await runCli(['apply', '--policies', policy, '--policies', second, '--yes', '--progress', 'silent'], env)).code).toBe(0);
    const ls = await runCli(['ls', '--policies', policy, 'web', '--json'], env);
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain('"category": "web"');
    const run = await runCli(['run', '--policies', policy, '--policies', second, 'docs', '--job', 'backup', '--progress', 'silent'], env);
    expect(run.code, run.stderr).toBe(0);
    const target = join(root, 'restored');
    const restore = await runCli(['restore', '--policies', policy, 'web', '--to', target], env);
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.stderr).toContain('checksums verified');
  });
});
