import { describe, expect, it } from 'vitest';
import { createPlan } from '../../../src/plan/create-plan.js';
import { renderPlanMarkdown } from '../../../src/plan/render-plan-markdown.js';
import { renderPlanText } from '../../../src/plan/render-plan-text.js';
import { NOW, category, entry, observed, observedSystem, policy } from './fixtures.js';

function samplePlan() {
  const p = policy({
    sources: { uploads: { type: 'files', paths: ['/srv'] }, db: { type: 'postgres', url: '${env:DATABASE_URL}' } },
    categories: [
      category({ copies: [{ tier: 'hot', keep: { daily: 2 } }, { tier: 'offsite', keep: { daily: 7 } }] }),
      category({ name: 'db', data: [{ source: 'db', sourceType: 'postgres' }] }),
    ],
  });
  const days = ['2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
  const system = observedSystem({
    tiers: {
      hot: {
        location: '/backups/hot',
        entries: days.map((d) => entry('hot', `${d}T02:00:00Z`)),
        debris: [{ tier: 'hot', dir: 'demo/files/uploads/2026/11/20261121T020000Z-dead00', keys: ['x'], bytes: 4096 }],
      },
      offsite: { location: '/mnt/offsite', entries: days.slice(0, 3).map((d) => entry('offsite', `${d}T02:00:00Z`)), debris: [] },
    },
    schedules: { '/etc/systemd/system/strata-demo-files-backup.timer': 'old' },
    unavailableSources: { db: 'the postgres engine is not implemented yet (validate and render work; backups cannot run)' },
    sourceHealth: {
      db: { status: 'not-checked', detail: 'the postgres engine is not implemented yet (validate and render work; backups cannot run)' },
      uploads: { status: 'reachable', detail: 'every path is readable' },
    },
  });
  const desired = {
    demo: {
      schedules: [{ path: '/etc/systemd/system/strata-demo-files-backup.timer', content: 'new' }],
      runbooks: [{ path: '/repo/runbooks/files.md', content: '# files' }],
    },
  };
  return createPlan({ policies: [p], observed: observed(system), desired, now: NOW, policyDigest: 'digest' });
}

describe('plan views', () => {
  it('renders the human view', async () => {
    const text = renderPlanText(samplePlan(), { verbose: true });
    expect(text).toContain('Plan: 2 to add, 1 to change, 4 to destroy, 2 to run.');
    await expect(text).toMatchFileSnapshot('__snapshots__/plan.txt');
  });

  it('renders colour only when asked', () => {
    expect(renderPlanText(samplePlan())).not.toContain('\x1b[');
    expect(renderPlanText(samplePlan(), { color: true })).toContain('\x1b[32m');
  });

  it('renders Markdown for PR comments', async () => {
    await expect(renderPlanMarkdown(samplePlan())).toMatchFileSnapshot('__snapshots__/plan.md');
  });

  it('summarises plans too long for a GitHub comment', () => {
    const md = renderPlanMarkdown(samplePlan(), { limit: 200 });
    expect(md).toContain('too long for a comment');
    expect(md).toContain('| `demo` | `-` prune | 3 |');
  });

  it('says so when there is nothing to do', () => {
    const empty = { ...samplePlan(), actions: [], problems: [], retention: [] };
    expect(renderPlanText(empty)).toContain('No changes.');
    expect(renderPlanMarkdown(empty)).toContain('**No changes.**');
  });
});
