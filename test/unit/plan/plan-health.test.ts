// Issue 8 item 6: every plan shows the health of every source and tier, and an unreachable source is a problem
// even when no backup is due (it used to say "No changes." until the next scheduled backup).
import { describe, expect, it } from 'vitest';
import { planExitCode } from '../../../src/cli/commands/plan.js';
import { createPlan } from '../../../src/plan/create-plan.js';
import type { ObservedSystem } from '../../../src/plan/observed-model.js';
import { renderPlanGithub } from '../../../src/plan/render-plan-github.js';
import { renderPlanMarkdown } from '../../../src/plan/render-plan-markdown.js';
import { renderPlanText } from '../../../src/plan/render-plan-text.js';
import { NOW, category, entry, observed, observedSystem, policy } from './fixtures.js';

const CACHE_DOWN = 'redis at 127.0.0.1:6390: connect ECONNREFUSED 127.0.0.1:6390';

/** files + a redis cache, both backed up a minute ago: nothing is due, no verification is due. */
function quietPolicy() {
  return policy({
    sources: { uploads: { type: 'files', paths: ['/srv/uploads'] }, cache: { type: 'redis', url: 'redis://:${env:CACHE_PASSWORD}@127.0.0.1:6390/0' } },
    categories: [
      category({ data: [{ source: 'uploads', sourceType: 'files' }], verify: { checksum: 'never', restoreTest: 'never', drill: 'never' } }),
      category({ name: 'sessions', data: [{ source: 'cache', sourceType: 'redis' }], verify: { checksum: 'never', restoreTest: 'never', drill: 'never' } }),
    ],
  });
}

function quietSystem(overrides: Partial<ObservedSystem> = {}): ObservedSystem {
  const fresh = [entry('hot', '2026-11-21T12:29:00Z'), entry('hot', '2026-11-21T12:29:00Z', { id: '20261121T122900Z-cafe01', category: 'sessions', source: 'cache', source_type: 'redis' })];
  return observedSystem({
    tiers: {
      hot: { location: '/backups/hot', entries: fresh.map((e) => ({ ...e, dir: `demo/${e.manifest.category}/${e.manifest.source}/2026/11/${e.manifest.id}` })), debris: [] },
      offsite: { location: '/mnt/offsite', entries: fresh.map((e) => ({ ...e, tier: 'offsite' })), debris: [] },
    },
    sourceHealth: { uploads: { status: 'reachable', detail: 'every path is readable' }, cache: { status: 'reachable', detail: 'answered the redis probe' } },
    ...overrides,
  });
}

function planOf(system: ObservedSystem) {
  return createPlan({ policies: [quietPolicy()], observed: observed(system), desired: { demo: { schedules: [], runbooks: [] } }, now: NOW, policyDigest: 'p' });
}

const cacheDown = (): Partial<ObservedSystem> => ({
  sourceHealth: { uploads: { status: 'reachable', detail: 'every path is readable' }, cache: { status: 'unreachable', detail: CACHE_DOWN } },
  unavailableSources: { cache: `source cache is unreachable: ${CACHE_DOWN}` },
});

describe('plan health', () => {
  it('lists every source and every tier, healthy ones too, and exits 0 when nothing is wrong', () => {
    const plan = planOf(quietSystem());
    expect(plan.actions).toEqual([]);
    expect(plan.problems).toEqual([]);
    expect(plan.health.map((h) => `${h.kind} ${h.name} ${h.status}`)).toEqual(['source cache reachable', 'source uploads reachable', 'tier hot reachable', 'tier offsite reachable']);
    expect(plan.health.find((h) => h.name === 'hot')).toMatchObject({ type: 'local', location: '/backups/hot', detail: 'listed: 2 backups' });
    expect(planExitCode(plan, true)).toBe(0);
    expect(renderPlanText(plan)).toContain('No changes.');
  });

  it('reports an unreachable source as a problem although no backup is due, and --detailed-exitcode exits 1', () => {
    const plan = planOf(quietSystem(cacheDown()));
    expect(plan.actions).toEqual([]);
    expect(plan.health.find((h) => h.name === 'cache')).toMatchObject({ kind: 'source', type: 'redis', status: 'unreachable', detail: CACHE_DOWN });
    expect(plan.problems).toEqual([expect.objectContaining({ system: 'demo', source: 'cache', message: expect.stringContaining(CACHE_DOWN) })]);
    expect(planExitCode(plan, true)).toBe(1);
    expect(planExitCode(plan, false)).toBe(0);
    expect(renderPlanText(plan)).not.toContain('No changes.');
  });

  it('names an unreachable source once when its due backup already says it cannot run', () => {
    const system = quietSystem({ ...cacheDown(), tiers: { hot: { location: '/backups/hot', entries: [], debris: [] }, offsite: { location: '/mnt/offsite', entries: [], debris: [] } } });
    const problems = planOf(system).problems.filter((p) => p.source === 'cache');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^backup is due \(no backup exists yet\) but cannot run: source cache is unreachable/);
  });

  it('a due backup that cannot run only because its secret is not set here (PR CI) is listed apart and does not fail the plan', () => {
    const why = 'environment variable CACHE_PASSWORD is not set (referenced as ${env:CACHE_PASSWORD}); export it';
    const system = quietSystem({
      tiers: { hot: { location: '/backups/hot', entries: [], debris: [] }, offsite: { location: '/mnt/offsite', entries: [], debris: [] } },
      sourceHealth: { uploads: { status: 'reachable' }, cache: { status: 'not-checked', detail: why, secretMissing: true } },
      unavailableSources: { cache: `source cache cannot be reached from here: ${why}` },
    });
    const plan = planOf(system);
    const cache = plan.problems.filter((p) => p.source === 'cache');
    expect(cache).toEqual([expect.objectContaining({ kind: 'not-here', message: expect.stringMatching(/^backup is due \(no backup exists yet\) but cannot run here: /) })]);
    // The files source's due backup is still planned, so the plan has changes but no error: exit 2, not 1.
    expect(planExitCode(plan, true)).toBe(2);
    expect(renderPlanText(plan)).toContain('Cannot run here (a secret or the age identity is not set in this environment');
    expect(renderPlanText(plan)).not.toContain('Problems (these parts of the plan cannot run)');
    expect(renderPlanMarkdown(plan)).toContain('### Cannot run here');
    expect(renderPlanMarkdown(plan)).not.toContain('⛔');
    const github = renderPlanGithub(plan);
    expect(github).toMatch(/^::warning title=strata plan%3A /m);
    expect(github).not.toMatch(/^::error/m);
    // The same source really down is an error again.
    const down = planOf({ ...system, sourceHealth: { uploads: { status: 'reachable' }, cache: { status: 'unreachable', detail: CACHE_DOWN } }, unavailableSources: { cache: `source cache is unreachable: ${CACHE_DOWN}` } });
    expect(down.problems.find((p) => p.source === 'cache')?.kind).toBeUndefined();
    expect(planExitCode(down, true)).toBe(1);
  });

  it('a source that was not checked (its secret is not set here, as in PR CI) is shown with the reason and is no problem', () => {
    const why = 'environment variable CACHE_PASSWORD is not set (referenced as ${env:CACHE_PASSWORD}); export it';
    const plan = planOf(quietSystem({ sourceHealth: { uploads: { status: 'reachable' }, cache: { status: 'not-checked', detail: why } } }));
    expect(plan.health.find((h) => h.name === 'cache')).toMatchObject({ status: 'not-checked', detail: why });
    expect(plan.problems).toEqual([]);
    expect(planExitCode(plan, true)).toBe(0);
  });

  it('reports an unreachable tier with its location and error; a tier whose secret is missing is not checked', () => {
    const error = 'ListObjectsV2 on bucket offsite-bucket failed: connect ECONNREFUSED 127.0.0.1:9';
    const plan = planOf(quietSystem({ tiers: { ...quietSystem().tiers, offsite: { location: 's3://offsite-bucket/', error, entries: [], debris: [] } } }));
    expect(plan.health.find((h) => h.name === 'offsite')).toMatchObject({ kind: 'tier', status: 'unreachable', location: 's3://offsite-bucket/', detail: error });
    expect(plan.problems.map((p) => p.tier)).toEqual(['offsite']);
    expect(planExitCode(plan, true)).toBe(1);
    const unset = planOf(quietSystem({ tiers: { ...quietSystem().tiers, offsite: { location: '(unavailable)', error: 'environment variable S3_ENDPOINT is not set', notChecked: true, entries: [], debris: [] } } }));
    expect(unset.health.find((h) => h.name === 'offsite')).toEqual({ system: 'demo', kind: 'tier', name: 'offsite', type: 'local', status: 'not-checked', detail: 'environment variable S3_ENDPOINT is not set' });
  });

  it('renders the health section and leads the Markdown with the problem (snapshots)', async () => {
    const plan = planOf(quietSystem(cacheDown()));
    const markdown = renderPlanMarkdown(plan);
    expect(markdown.split('\n').slice(0, 3)).toEqual(['## Strata plan', '', '### ⛔ 1 problem: these parts of the plan cannot run']);
    await expect(renderPlanText(plan)).toMatchFileSnapshot('__snapshots__/plan-health.txt');
    await expect(markdown).toMatchFileSnapshot('__snapshots__/plan-health.md');
    await expect(renderPlanGithub(plan)).toMatchFileSnapshot('__snapshots__/plan-health.github.txt');
  });

  it('annotates every problem for GitHub and only notices a healthy plan', () => {
    const broken = renderPlanGithub(planOf(quietSystem(cacheDown())));
    expect(broken.split('\n')[0]).toMatch(/^::error title=strata plan%3A demo\/cache::source cache \(redis\) is unreachable: redis at 127\.0\.0\.1:6390: /);
    expect(broken.split('\n').filter((l) => l.startsWith('::error'))).toHaveLength(1);
    const healthy = renderPlanGithub(planOf(quietSystem()));
    expect(healthy).not.toContain('::error');
    expect(healthy.split('\n')[0]).toBe('::notice title=strata plan::No changes. No problems.');
  });

  it('keeps the health of sources out of a summarised Markdown plan unless they are not reachable', () => {
    const md = renderPlanMarkdown(planOf(quietSystem(cacheDown())), { limit: 10 });
    expect(md).toContain('| ❌ | `demo` | source `cache` (redis) | **UNREACHABLE** |');
    expect(md).toContain('The other 3 sources and tiers are reachable.');
  });
});
