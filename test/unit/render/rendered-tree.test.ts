// Issue 8 item 7: one layout for `render --out DIR` and apply's render.dir. Paths get the system level;
// contents are exactly what the renderers return (the runbook snapshots stay byte-identical).
import { describe, expect, it } from 'vitest';
import { renderRunbooks } from '../../../src/render/render-runbooks.js';
import { renderScheduleFiles } from '../../../src/render/render-schedule-files.js';
import { renderedTree } from '../../../src/render/rendered-tree.js';
import { makeEvidence, makePolicy } from './fixtures.js';

describe('renderedTree', () => {
  const policy = makePolicy();
  const runbooks = renderRunbooks({ policy, evidence: makeEvidence() });

  it('puts runbooks under <system>/ and a copy of the systemd units under <system>/systemd/', () => {
    const schedules = renderScheduleFiles(policy);
    const tree = renderedTree(policy, runbooks, schedules);
    expect(tree.map((f) => f.path).filter((p) => !p.includes('/systemd/'))).toEqual([
      'sketchy-chain/README.md', 'sketchy-chain/critical.md', 'sketchy-chain/sessions.md', 'sketchy-chain/uploads.md',
    ]);
    expect(tree.filter((f) => f.path.includes('/systemd/')).map((f) => f.path)).toEqual(schedules.map((f) => f.path.replace('/etc/systemd/system/', 'sketchy-chain/systemd/')));
    expect(tree.map((f) => f.content)).toEqual([...runbooks, ...schedules].map((f) => f.content));
  });

  it('puts the cron file under <system>/cron/, and nothing for scheduler none', () => {
    const cron = makePolicy({ scheduler: { ...policy.scheduler, type: 'cron', target: '/etc/cron.d/strata-sketchy-chain' } });
    expect(renderedTree(cron, [], renderScheduleFiles(cron)).map((f) => f.path)).toEqual(['sketchy-chain/cron/strata-sketchy-chain']);
    const none = makePolicy({ scheduler: { type: 'none', strataBin: '/usr/local/bin/strata', policyPath: '/p' } });
    expect(renderedTree(none, runbooks, renderScheduleFiles(none)).map((f) => f.path)).toHaveLength(4);
  });
});
