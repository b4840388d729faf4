// The runbook's manual fallback must work as written: build a backup with the standard CLIs in Strata's
// layout, render the runbook for it, and run its shell blocks verbatim (only /restore is moved into a temp
// dir). Covers the zstd+age and the gzip-without-age variants, the newest-backup pick, and the checksum stop.
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { execa } from 'execa';
import type { ResolvedCategory, ResolvedPolicy } from '../../../src/model/policy-model.js';
import { renderRunbooks } from '../../../src/render/render-runbooks.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeCategory, makePolicy } from '../../unit/render/fixtures.js';

const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// No `set -e`: the blocks must be safe when pasted into an interactive shell.
const sh = (script: string, env: Record<string, string> = {}) =>
  execa('sh', ['-c', script], { reject: false, env, extendEnv: true });

/** Shell blocks of one source's fallback section: the local "find" block and the unpack block. */
function fallbackBlocks(markdown: string, source: string): { find: string; unpack: string } {
  const start = markdown.indexOf(`### Source ${source} (`);
  const end = markdown.indexOf('\n## ', start);
  const section = markdown.slice(start, end === -1 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const find = blocks.find((b) => b.startsWith('# from hot (local)'));
  const unpack = blocks.find((b) => b.startsWith('DIR=$(dirname "$MANIFEST")'));
  if (!find || !unpack) throw new Error(`fallback blocks of ${source} not found`);
  return { find, unpack };
}

function makeData(root: string): void {
  mkdirSync(join(root, 'docs/nested'), { recursive: true });
  writeFileSync(join(root, 'docs/a.txt'), 'alpha\n');
  writeFileSync(join(root, 'docs/nested/b.bin'), Buffer.from([0, 1, 2, 255, 254]));
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'run.sh'), 0o750);
  symlinkSync('docs/a.txt', join(root, 'link'));
}

function snapshotTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = lstatSync(path);
      const key = relative(root, path);
      if (st.isSymbolicLink()) out[key] = `link:${readlinkSync(path)}`;
      else if (st.isDirectory()) walk(path);
      else out[key] = `${(st.mode & 0o777).toString(8)}:${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
    }
  };
  walk(root);
  return out;
}

interface Fixture {
  work: string;
  policy: ResolvedPolicy;
  category: ResolvedCategory;
  env: Record<string, string>;
  data: string;
  newestDir: string;
}

/** A tier with an old backup, the newest backup, and newer debris without a manifest. */
async function buildBackups(variant: 'zstd-age' | 'gzip-plain', prettyManifest: boolean): Promise<Fixture> {
  const work = mkdtempSync(join(tmpdir(), 'strata-fallback-'));
  temps.push(work);
  const data = join(work, 'data');
  makeData(data);
  const env: Record<string, string> = {};
  let recipients: string[] = [];
  if (variant === 'zstd-age') {
    const key = join(work, 'age-identity.txt');
    await execa('age-keygen', ['-o', key]);
    const { stdout } = await execa('age-keygen', ['-y', key]);
    recipients = [stdout.trim()];
    env.STRATA_AGE_IDENTITY_FILE = key;
  }
  const category = makeCategory({
    name: 'files',
    data: [{ source: 'uploads', sourceType: 'files' }],
    compression: variant === 'zstd-age' ? 'zstd' : 'gzip',
    recipients,
  });
  const base = makePolicy();
  const policy: ResolvedPolicy = {
    ...base,
    tiers: { hot: { name: 'hot', storage: { type: 'local', path: join(work, 'tier') }, offsite: false } },
    categories: [category],
  };
  const sourceDir = join(work, 'tier', policy.system, 'files', 'uploads');
  const artifactName = variant === 'zstd-age' ? 'data.tar.zst.age' : 'data.tar.gz';
  const pipeline =
    variant === 'zstd-age'
      ? `tar -cf - -C "$DATA" . | zstd -q -3 | age -r "$RECIPIENT" > "$OUT"`
      : `tar -cf - -C "$DATA" . | gzip -6 > "$OUT"`;
  const write = async (id: string, month: string, content: string, manifest: boolean): Promise<string> => {
    const dir = join(sourceDir, '2026', month, id);
    mkdirSync(dir, { recursive: true });
    const src = join(work, `src-${id}`);
    if (content === 'data') {
      await sh(`cp -a "$DATA" "$SRC"`, { DATA: data, SRC: src });
    } else {
      mkdirSync(src);
      writeFileSync(join(src, 'old.txt'), content);
    }
    const out = join(dir, artifactName);
    const made = await sh(pipeline, { DATA: src, OUT: out, RECIPIENT: recipients[0] ?? '' });
    expect(made.stderr).toBe('');
    if (manifest) {
      const body = {
        format_version: 1, id, system: policy.system, category: 'files', source: 'uploads', source_type: 'files', kind: 'full',
        started_at: '2026-11-20T02:00:00.000Z', finished_at: '2026-11-20T02:01:00.000Z', artifact: artifactName,
        size: readFileSync(out).length, sha256: createHash('sha256').update(readFileSync(out)).digest('hex'),
        raw_size: 0, raw_sha256: '0'.repeat(64), stats: { files: 4 }, strata_version: '0.1.0',
      };
      writeFileSync(join(dir, 'manifest.json'), prettyManifest ? `${JSON.stringify(body, null, 2)}\n` : JSON.stringify(body));
    }
    return dir;
  };
  await write('20261020T020000Z-000001', '10', 'old backup\n', true);
  const newestDir = await write('20261120T020000Z-000002', '11', 'data', true);
  await write('20261121T020000Z-000003', '11', 'killed backup\n', false); // debris: no manifest
  return { work, policy, category, env, data, newestDir };
}

function fallbackScript(fx: Fixture): string {
  const page = renderRunbooks({ policy: fx.policy, evidence: {} }).find((f) => f.path === 'files.md')?.content ?? '';
  const { find, unpack } = fallbackBlocks(page, 'uploads');
  // The runbook restores into /restore/<category>; move that into the temp dir, change nothing else.
  return `${find}\n${unpack}`.replaceAll('/restore/', `${fx.work}/restore/`);
}

describeWithBinaries(['age', 'age-keygen', 'zstd', 'gzip', 'tar', 'sha256sum', 'sh'], 'runbook manual fallback', () => {
  it.each([
    ['zstd-age', true],
    ['zstd-age', false],
    ['gzip-plain', true],
  ] as const)('restores the newest backup byte for byte (%s, pretty manifest: %s)', async (variant, pretty) => {
    const fx = await buildBackups(variant, pretty);
    const script = fallbackScript(fx);
    expect(script.includes('age -d')).toBe(variant === 'zstd-age');
    expect(script.includes('gzip -dc')).toBe(variant === 'gzip-plain');
    const result = await sh(script, fx.env);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(': OK');
    expect(snapshotTree(join(fx.work, 'restore', 'files'))).toEqual(snapshotTree(fx.data));
  });

  it('stops at the checksum when the artifact was altered', async () => {
    const fx = await buildBackups('zstd-age', true);
    const artifact = join(fx.newestDir, 'data.tar.zst.age');
    const bytes = readFileSync(artifact);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
    writeFileSync(artifact, bytes);
    const result = await sh(fallbackScript(fx), fx.env);
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toMatch(/FAILED/);
    // Nothing was decrypted or written: the restore directory was never even created.
    expect(() => readdirSync(join(fx.work, 'restore'))).toThrow(/ENOENT/);
  });
});
