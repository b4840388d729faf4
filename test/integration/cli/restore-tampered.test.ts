// Issue 8, through the CLI as a responder runs it: `strata restore` of a backup whose manifest's
// raw_sha256 does not match its data fails, and leaves the target exactly as it was, whether it was
// new or a filled directory restored over with --yes.
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { diffExact, snapshotExact } from '../../helpers/exact-tree.js';
import { runCli } from '../../helpers/run-cli.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

async function manifestsUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name === 'manifest.json') found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

describeWithBinaries(['age', 'age-keygen', 'zstd'], 'strata restore of a backup whose data does not match its manifest', () => {
  it('fails and leaves a new target absent and a filled target (--yes) as it was', async () => {
    const root = await makeTempDir('strata-tampered-');
    const identity = join(root, 'key.txt');
    execFileSync('age-keygen', ['-o', identity], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', identity]).toString().trim();
    await mkdir(join(root, 'data/nested'), { recursive: true });
    await writeFile(join(root, 'data/index.html'), '<h1>hello</h1>\n');
    await writeFile(join(root, 'data/nested/a.txt'), 'a\n');
    await writeFile(join(root, 'data/nested/b.txt'), 'b\n');
    const policy = join(root, 'policy.yaml');
    await writeFile(
      policy,
      `version: 1
system: tampered
sources:
  site: { type: files, paths: [./data] }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
defaults:
  compression: zstd
  encryption: { age_recipients: [${recipient}] }
categories:
  web:
    rpo: 1h
    rto: 30m
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 2 } } ]
    verify: { checksum: every-backup, restore_test: weekly }
`,
    );
    const env = { STRATA_POLICIES: policy, STRATA_STATE_DIR: join(root, 'state'), STRATA_AGE_IDENTITY_FILE: identity };
    const backup = await runCli(['run', 'web', '--job', 'backup'], env);
    expect(backup.code, backup.stderr).toBe(0);

    const filled = join(root, 'filled');
    const first = await runCli(['restore', 'web', '--to', filled], env);
    expect(first.code, first.stderr).toBe(0);
    const restoredData = join(filled, root.slice(1), 'data');
    await writeFile(join(restoredData, 'index.html'), '<h1>changed since</h1>\n');
    await writeFile(join(restoredData, 'extra.txt'), 'not in the backup\n');
    const before = snapshotExact(filled);

    const [manifestFile] = await manifestsUnder(join(root, 'store/hot'));
    const manifest = JSON.parse(await readFile(manifestFile!, 'utf8')) as { raw_sha256: string };
    manifest.raw_sha256 = `${manifest.raw_sha256.startsWith('0') ? '1' : '0'}${manifest.raw_sha256.slice(1)}`;
    await writeFile(manifestFile!, JSON.stringify(manifest, null, 2));

    const fresh = join(root, 'fresh');
    const failed = await runCli(['restore', 'web', '--to', fresh], env);
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/does not match the manifest/);
    await expect(readdir(fresh)).rejects.toThrow(/ENOENT/);

    const over = await runCli(['restore', 'web', '--to', filled, '--yes'], env);
    expect(over.code).not.toBe(0);
    expect(over.stderr).toMatch(/does not match the manifest/);
    expect(diffExact(before, snapshotExact(filled))).toEqual([]);
    expect((await readdir(root)).filter((n) => n.startsWith('.strata-restore-'))).toEqual([]);
  });
});
