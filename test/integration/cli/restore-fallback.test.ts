// Issue 8, item 2: when the first tier's copy fails its checksum or cannot be read, restore says so and uses
// the same backup from the next tier; only then the next older backup, and only with --fallback-older (a
// script without it gets an error and a hint). The output and --json say which copy was used and why.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { webFilesPolicy } from '../../helpers/web-files-policy.js';
import { requireBinaries } from '../../helpers/services.js';

const bins = requireBinaries(['zstd'], 'CLI restore fallback');

let root: string;
let env: Record<string, string>;
const ids: string[] = [];

function artifactOf(tier: string, id: string): string {
  return join(root, 'store', tier, `fb/web/site/${id.slice(0, 4)}/${id.slice(4, 6)}/${id}/data.tar.zst`);
}

async function exists(path: string): Promise<boolean> {
  return readdir(path).then(() => true, () => false);
}

describe.skipIf(bins.skip)('restore falls back to another copy, then (only when asked) to an older backup', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-fallback-'));
    await mkdir(join(root, 'data'), { recursive: true });
    await writeFile(
      join(root, 'policy.yaml'),
      webFilesPolicy('fb'),
    );
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state') };
    for (const content of ['one\n', 'two\n']) {
      await writeFile(join(root, 'data/v.txt'), content);
      const run = await runCli(['run', 'web', '--job', 'backup', '--progress', 'silent'], env);
      expect(run.code, run.stderr).toBe(0);
    }
    const ls = JSON.parse((await runCli(['ls', '--json'], env)).stdout);
    ids.push(...ls.backups.map((b: { id: string }) => b.id).reverse());
    expect(ids).toHaveLength(2);
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('uses the next tier when the first copy fails its checksum, and says which copy and why', async () => {
    const hot = artifactOf('hot', ids[1]!);
    const bytes = await readFile(hot);
    bytes[bytes.length >> 1]! ^= 0x55;
    await writeFile(hot, bytes);
    const run = await runCli(['restore', 'web', '--to', join(root, 'r1'), '--json'], env);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout).restored[0];
    expect(result).toMatchObject({ backup_id: ids[1], tier: 'offsite', copy: { tier: 'offsite', reason: `first usable copy after skipping ${ids[1]} on hot` } });
    expect(result.skipped).toEqual([{ backup_id: ids[1], tier: 'hot', reason: expect.stringMatching(/^failed its checksum verification \(.*sha256 is [0-9a-f]{64}, the manifest says/) }]);
    expect(result.fallback_older).toBeUndefined();
    expect(run.stderr).toContain(`skipped the copy of backup ${ids[1]} on tier hot: failed its checksum verification`);
    expect(run.stderr).toContain(`used the copy of backup ${ids[1]} on tier offsite`);
    expect(await readFile(join(root, 'r1', root.slice(1), 'data/v.txt'), 'utf8')).toBe('two\n');
  });

  it('does not restore an older backup unless asked; with --fallback-older it does and says so', async () => {
    await rm(artifactOf('offsite', ids[1]!));
    const refused = await runCli(['restore', 'web', '--to', join(root, 'r2')], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`no copy of backup ${ids[1]} could be used, so nothing was restored`);
    expect(refused.stderr).toContain('offsite: damaged: artifact data.tar.zst is missing');
    expect(refused.stderr).toContain(`hint: pass --fallback-older to restore the next older backup (${ids[0]}`);
    expect(await exists(join(root, 'r2'))).toBe(false);
    const ls = await runCli(['ls'], env);
    expect(ls.code).toBe(4);
    expect(ls.stdout).toMatch(new RegExp(`DAMAGED BACKUPS \\(1\\): .*\\n.*\\n.*${ids[1]}\\s+offsite\\s+artifact data\\.tar\\.zst is missing`));
    expect(ls.stderr).toContain(`warning: backup ${ids[1]} of web/site on tier offsite is damaged: artifact data.tar.zst is missing`);

    const older = await runCli(['restore', 'web', '--to', join(root, 'r2'), '--fallback-older', '--json'], env);
    expect(older.code, older.stderr).toBe(0);
    const result = JSON.parse(older.stdout).restored[0];
    expect(result).toMatchObject({ backup_id: ids[0], tier: 'hot', fallback_older: true });
    expect(result.skipped.map((s: { backup_id: string; tier: string }) => `${s.backup_id}@${s.tier}`)).toEqual([`${ids[1]}@hot`, `${ids[1]}@offsite`]);
    expect(await readFile(join(root, 'r2', root.slice(1), 'data/v.txt'), 'utf8')).toBe('one\n');
  });

  it('--backup ID never falls back to another backup', async () => {
    const run = await runCli(['restore', 'web', '--backup', ids[1]!, '--to', join(root, 'r3'), '--fallback-older'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`no usable copy of backup ${ids[1]} of web/site, so nothing was restored`);
  });
});
