// Issue 8 item 18: what a files backup cannot archive (a socket) is printed by `strata run` with the
// reason, and counted in the manifest; FIFOs are archived.
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runCommand } from '../../../src/exec/exec.js';
import { runCli } from '../../helpers/run-cli.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

describeWithBinaries(['zstd', 'mkfifo'], 'strata run on a files source with a socket and a FIFO', () => {
  it('archives the FIFO and prints the skipped socket with its reason', async () => {
    const root = await makeTempDir('strata-skipped-');
    await mkdir(join(root, 'data'));
    await writeFile(join(root, 'data/file.txt'), 'content\n');
    await runCommand('mkfifo', [join(root, 'data/queue')]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(root, 'data/app.sock'), resolve));
    try {
      const policy = join(root, 'policy.yaml');
      await writeFile(
        policy,
        `version: 1
system: skipped
sources:
  site: { type: files, paths: [./data] }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
defaults:
  compression: zstd
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
      const run = await runCli(['run', 'web', '--job', 'backup'], { STRATA_POLICIES: policy, STRATA_STATE_DIR: join(root, 'state') });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/warning: files source "site": skipped \/.*\/data\/app\.sock: a socket: tar cannot archive it/);
      const manifests = (await readdir(join(root, 'store/hot'), { recursive: true })).filter((p) => p.endsWith('manifest.json'));
      const manifest = JSON.parse(await readFile(join(root, 'store/hot', manifests[0]!), 'utf8')) as { stats: Record<string, number> };
      expect(manifest.stats).toMatchObject({ files: 1, other: 1, skipped: 1 });
    } finally {
      server.close();
    }
  });
});
