// Every rendered systemd unit must pass `systemd-analyze verify` with an empty stderr. Runs unprivileged
// and without a running systemd: --man=no skips man-page lookups for Documentation=, --generators=no skips
// generators (which need privileges). ExecStart's binary must exist, so strataBin points at /usr/bin/true.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { execa } from 'execa';
import type { ResolvedPolicy } from '../../../src/model/policy-model.js';
import { renderScheduleFiles } from '../../../src/render/render-schedule-files.js';
import { describeWithBinaries, requireBinary } from '../../helpers/services.js';
import { makeCategory, makePolicy } from '../../unit/render/fixtures.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const TRUE_BIN = requireBinary('true') ?? '/usr/bin/true';

/** Writes the units into a fresh directory and runs systemd-analyze verify on all of them. */
async function verifyUnits(files: { path: string; content: string }[]): Promise<{ exitCode: number; stderr: string; stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'strata-units-'));
  temps.push(dir);
  const paths = files.map((f) => {
    const path = join(dir, basename(f.path));
    writeFileSync(path, f.content);
    return path;
  });
  // execa directly: a failing verify is data here, not an error.
  const result = await execa('systemd-analyze', ['verify', '--man=no', '--generators=no', ...paths], {
    reject: false,
    env: { SYSTEMD_PAGER: '', SYSTEMD_COLORS: '0' },
  });
  return { exitCode: result.exitCode ?? -1, stderr: String(result.stderr), stdout: String(result.stdout) };
}

function withScheduler(policy: ResolvedPolicy, dir: string, extra: Partial<ResolvedPolicy['scheduler']> = {}): ResolvedPolicy {
  return {
    ...policy,
    scheduler: { ...policy.scheduler, type: 'systemd', target: dir, strataBin: TRUE_BIN, ...extra },
  };
}

describeWithBinaries(['systemd-analyze'], 'rendered systemd units pass systemd-analyze verify', () => {
  it('the representative policy (User=, EnvironmentFile=, incremental, verify, prune, two OnCalendar=)', async () => {
    const files = renderScheduleFiles(withScheduler(makePolicy(), '/etc/systemd/system'));
    expect(files.length).toBe(20);
    const result = await verifyUnits(files);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('a minimal policy and awkward paths (spaces, %, $)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'strata bin %d $x '));
    temps.push(dir);
    mkdirSync(dir, { recursive: true });
    const bin = join(dir, 'strata');
    writeFileSync(bin, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const policy = makePolicy({
      categories: [
        makeCategory({ name: 'a_b', schedule: { full: '0 0 13 * fri', timezone: 'America/New_York' } }),
        makeCategory({ name: 'z', schedule: { full: '*/7 1-5 * jan-mar *', timezone: 'UTC' }, verify: { checksum: 'hourly', restoreTest: 'never', drill: 'never' } }),
      ],
    });
    const files = renderScheduleFiles({
      ...policy,
      scheduler: { type: 'systemd', target: '/etc/systemd/system', strataBin: bin, policyPath: '/etc/strata/50% $HOME policies' },
    });
    const result = await verifyUnits(files);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
  });

  it('the harness notices a broken unit (so the checks above can fail)', async () => {
    const files = renderScheduleFiles(withScheduler(makePolicy(), '/etc/systemd/system'));
    const broken = files.map((f) =>
      f.path.endsWith('critical-backup.service') ? { ...f, content: f.content.replace('Type=oneshot', 'Type=oneshot\nBogusKey=1') } : f,
    );
    const result = await verifyUnits(broken);
    expect(result.stderr).toMatch(/Unknown key 'BogusKey'/);
    const missingBin = renderScheduleFiles(withScheduler(makePolicy(), '/etc/systemd/system', { strataBin: '/nonexistent/strata' }));
    const failed = await verifyUnits(missingBin);
    expect(failed.exitCode).not.toBe(0);
    expect(failed.stderr).toMatch(/not executable/);
  });
});
