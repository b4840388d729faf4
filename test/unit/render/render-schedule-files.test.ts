import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { renderScheduleFiles } from '../../../src/render/render-schedule-files.js';
import { LOCKED_EXIT_CODE, listScheduledJobs } from '../../../src/render/scheduled-jobs.js';
import { makeCategory, makePolicy } from './fixtures.js';

const systemd = makePolicy();
const cron = makePolicy({
  scheduler: { ...systemd.scheduler, type: 'cron', target: '/etc/cron.d/strata-sketchy-chain' },
});

const byName = (files: { path: string; content: string }[], name: string): string => {
  const file = files.find((f) => f.path.endsWith(`/${name}`));
  if (!file) throw new Error(`no ${name} in ${files.map((f) => f.path).join(', ')}`);
  return file.content;
};

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('renderScheduleFiles: systemd', () => {
  const files = renderScheduleFiles(systemd);

  it('renders a service and a timer per job, at absolute paths, sorted', () => {
    expect(files.map((f) => f.path)).toEqual([
      '/etc/systemd/system/strata-sketchy-chain-critical-backup-incremental.service',
      '/etc/systemd/system/strata-sketchy-chain-critical-backup-incremental.timer',
      '/etc/systemd/system/strata-sketchy-chain-critical-backup.service',
      '/etc/systemd/system/strata-sketchy-chain-critical-backup.timer',
      '/etc/systemd/system/strata-sketchy-chain-critical-prune.service',
      '/etc/systemd/system/strata-sketchy-chain-critical-prune.timer',
      '/etc/systemd/system/strata-sketchy-chain-critical-verify.service',
      '/etc/systemd/system/strata-sketchy-chain-critical-verify.timer',
      '/etc/systemd/system/strata-sketchy-chain-sessions-backup.service',
      '/etc/systemd/system/strata-sketchy-chain-sessions-backup.timer',
      '/etc/systemd/system/strata-sketchy-chain-sessions-prune.service',
      '/etc/systemd/system/strata-sketchy-chain-sessions-prune.timer',
      '/etc/systemd/system/strata-sketchy-chain-sessions-verify.service',
      '/etc/systemd/system/strata-sketchy-chain-sessions-verify.timer',
      '/etc/systemd/system/strata-sketchy-chain-uploads-backup.service',
      '/etc/systemd/system/strata-sketchy-chain-uploads-backup.timer',
      '/etc/systemd/system/strata-sketchy-chain-uploads-prune.service',
      '/etc/systemd/system/strata-sketchy-chain-uploads-prune.timer',
      '/etc/systemd/system/strata-sketchy-chain-uploads-verify.service',
      '/etc/systemd/system/strata-sketchy-chain-uploads-verify.timer',
    ]);
    for (const file of files) expect(file.content).toMatch(/[^\n]\n$/);
  });

  it('matches the snapshots of a service and timers', async () => {
    await expect(byName(files, 'strata-sketchy-chain-critical-backup.service')).toMatchFileSnapshot(
      '__snapshots__/strata-sketchy-chain-critical-backup.service',
    );
    await expect(byName(files, 'strata-sketchy-chain-critical-backup.timer')).toMatchFileSnapshot(
      '__snapshots__/strata-sketchy-chain-critical-backup.timer',
    );
    await expect(byName(files, 'strata-sketchy-chain-uploads-backup.timer')).toMatchFileSnapshot(
      '__snapshots__/strata-sketchy-chain-uploads-backup.timer',
    );
  });

  it('derives verify and prune timers at fixed, per-category times', () => {
    expect(byName(files, 'strata-sketchy-chain-critical-verify.timer')).toContain('OnCalendar=Sun *-*-* 04:00:00 UTC');
    expect(byName(files, 'strata-sketchy-chain-sessions-verify.timer')).toContain('OnCalendar=*-*-* 04:05:00 UTC');
    expect(byName(files, 'strata-sketchy-chain-uploads-verify.timer')).toContain('OnCalendar=Sun *-*-* 04:10:00 UTC');
    expect(byName(files, 'strata-sketchy-chain-uploads-prune.timer')).toContain('OnCalendar=*-*-* 05:10:00 UTC');
    expect(byName(files, 'strata-sketchy-chain-critical-verify.service')).toContain(
      'ExecStart=/usr/local/bin/strata run critical --job verify --policies /etc/strata/policies',
    );
  });

  it('skips the verify timer when every check runs with each backup or never', () => {
    const policy = makePolicy({
      categories: [makeCategory({ name: 'a', verify: { checksum: 'every-backup', restoreTest: 'never', drill: 'quarterly' } })],
    });
    expect(listScheduledJobs(policy).map((j) => j.job)).toEqual(['backup', 'prune']);
  });

  it('maps cadences to calendars', () => {
    const verifyCron = (checksum: string): string | undefined =>
      listScheduledJobs(
        makePolicy({ categories: [makeCategory({ name: 'a', verify: { checksum, restoreTest: 'never', drill: 'never' } })] }),
      ).find((j) => j.job === 'verify')?.cron;
    expect(verifyCron('hourly')).toBe('30 * * * *');
    expect(verifyCron('6h')).toBe('30 * * * *');
    expect(verifyCron('daily')).toBe('0 4 * * *');
    expect(verifyCron('weekly')).toBe('0 4 * * 0');
    expect(verifyCron('14d')).toBe('0 4 * * 0');
    expect(verifyCron('monthly')).toBe('0 4 1 * *');
    expect(verifyCron('quarterly')).toBe('0 4 1 1,4,7,10 *');
    expect(verifyCron('yearly')).toBe('0 4 1 1 *');
  });

  it('leaves out EnvironmentFile= and User= when unset, and escapes specifiers and spaces', () => {
    const policy = makePolicy({
      scheduler: { type: 'systemd', target: '/etc/systemd/system', strataBin: '/opt/strata 2/bin/strata', policyPath: '/etc/strata/100%.yaml' },
    });
    const service = byName(renderScheduleFiles(policy), 'strata-sketchy-chain-critical-backup.service');
    expect(service).not.toMatch(/^EnvironmentFile=/m);
    expect(service).not.toMatch(/^User=/m);
    expect(service).toContain('ExecStart="/opt/strata 2/bin/strata" run critical --job backup --policies /etc/strata/100%%.yaml');
  });

  it('uses the lock exit code of the CLI', () => {
    expect(LOCKED_EXIT_CODE).toBe(EXIT.LOCKED);
    expect(byName(files, 'strata-sketchy-chain-critical-backup.service')).toContain(`SuccessExitStatus=${EXIT.LOCKED}`);
  });

  it('rejects a bad cron expression and a relative target', () => {
    const bad = makePolicy({ categories: [makeCategory({ name: 'a', schedule: { full: '61 * * * *', timezone: 'UTC' } })] });
    expect(() => renderScheduleFiles(bad)).toThrow(/minute 61/);
    expect(() => renderScheduleFiles({ ...systemd, scheduler: { ...systemd.scheduler, target: 'units' } })).toThrow(/absolute target/);
  });
});

describe('renderScheduleFiles: cron and none', () => {
  it('renders one cron file that matches its snapshot', async () => {
    const files = renderScheduleFiles(cron);
    expect(files.map((f) => f.path)).toEqual(['/etc/cron.d/strata-sketchy-chain']);
    await expect(files[0]?.content).toMatchFileSnapshot('__snapshots__/strata-sketchy-chain.cron');
  });

  it('quotes for /bin/sh and escapes % for cron', () => {
    const policy = makePolicy({
      scheduler: { type: 'cron', target: '/etc/cron.d/x', strataBin: '/opt/my strata/strata', policyPath: "/etc/it's/50%.yaml" },
      categories: [makeCategory({ name: 'a', schedule: { full: '@daily', timezone: 'UTC' } })],
    });
    const content = renderScheduleFiles(policy)[0]?.content ?? '';
    expect(content).toContain(
      `0 0 * * * root  exec '/opt/my strata/strata' run a --job backup --policies '/etc/it'\\''s/50\\%.yaml'`,
    );
    expect(content).not.toMatch(/^# Secrets/m);
  });

  it('renders nothing for scheduler none', () => {
    expect(renderScheduleFiles(makePolicy({ scheduler: { ...systemd.scheduler, type: 'none', target: undefined } }))).toEqual([]);
  });
});

describe('determinism and templates', () => {
  it('renders the same bytes twice and whatever the category order', () => {
    const reversed = { ...systemd, categories: [...systemd.categories].reverse() };
    expect(renderScheduleFiles(systemd)).toEqual(renderScheduleFiles(systemd));
    expect(renderScheduleFiles(reversed)).toEqual(renderScheduleFiles(systemd));
    expect(renderScheduleFiles(cron)).toEqual(renderScheduleFiles(cron));
  });

  it('takes template overrides file by file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata-templates-'));
    temps.push(dir);
    writeFileSync(join(dir, 'systemd.timer.hbs'), '# custom timer for {{category}}\n[Timer]\n{{#each onCalendar}}OnCalendar={{this}}\n{{/each}}\n\n\n');
    const files = renderScheduleFiles(systemd, { templatesDir: dir });
    expect(byName(files, 'strata-sketchy-chain-critical-backup.timer')).toBe(
      '# custom timer for critical\n[Timer]\nOnCalendar=*-*-* 02:00:00 UTC\n',
    );
    expect(byName(files, 'strata-sketchy-chain-critical-backup.service')).toBe(
      byName(renderScheduleFiles(systemd), 'strata-sketchy-chain-critical-backup.service'),
    );
  });
});
