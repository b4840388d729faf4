// The damaged-backup cases of issue 8, shared by the two test files that split them (so they run in parallel).
// Issue 8: "0 of 16 tamperings were reported". A backup whose manifest exists but whose artifact is missing,
// short, unreadable or does not match the manifest is a damaged backup. For each of 16 tamperings (truncate,
// delete, corrupt bytes, manifest that does not match the artifact × a local and an S3 tier × first and second
// tier), through the CLI against a real radosgw: restore falls back to the other tier's copy and says why,
// `ls`, `run --job verify --now`, `status` (JSON, metrics, exit code 4) and `plan` report it with id, tier and
// what is wrong; nothing cleans it up as debris; and apply copies the good copy over it.
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { describeS3 } from './s3-server.js';

export type Tamper = 'truncate' | 'delete' | 'corrupt bytes' | 'manifest does not match';
interface Position {
  category: 'localfirst' | 's3first';
  tier: 'disk' | 'bucket';
  other: 'disk' | 'bucket';
  place: 'first' | 'second';
}

const POSITIONS: Position[] = [
  { category: 'localfirst', tier: 'disk', other: 'bucket', place: 'first' },
  { category: 'localfirst', tier: 'bucket', other: 'disk', place: 'second' },
  { category: 's3first', tier: 'bucket', other: 'disk', place: 'first' },
  { category: 's3first', tier: 'disk', other: 'bucket', place: 'second' },
];

/** What the scan sees without reading the bytes, and what only a checksum finds. */
const PROBLEM: Record<Tamper, RegExp> = {
  truncate: /artifact data\.tar\.zst is \d+ bytes, the manifest says \d+/,
  delete: /artifact data\.tar\.zst is missing/,
  'corrupt bytes': /sha256 is [0-9a-f]{64}, the manifest says [0-9a-f]{64}/,
  'manifest does not match': /sha256 is [0-9a-f]{64}, the manifest says 0{64}/,
};
const SEEN_BY_SCAN: Record<Tamper, boolean> = { truncate: true, delete: true, 'corrupt bytes': false, 'manifest does not match': false };

/** The cases of `tampers` × the four positions, in one suite with its own radosgw and policy. */
export function describeTamperings(tampers: Tamper[]): void {
  const CASES = tampers.flatMap((tamper) => POSITIONS.map((p) => ({ tamper, ...p, storage: p.tier === 'disk' ? 'local' : 'S3' })));
  describeS3(`damaged backups: ${tampers.join(', ')}, each reported`, (server) => {
    let root: string;
    let bucket: string;
    let env: Record<string, string>;

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'strata-damaged-'));
      await mkdir(join(root, 'data/sub'), { recursive: true });
      await writeFile(join(root, 'data/a.txt'), 'alpha\n'.repeat(2000));
      await writeFile(join(root, 'data/sub/b.txt'), 'beta\n'.repeat(3000));
      bucket = await server().createBucket();
      const category = (first: string, second: string) => `
    rpo: 1h
    rto: 1h
    data: [ { source: site } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: ${first}, keep: { last: 20 } }, { tier: ${second}, keep: { last: 20 } } ]
    verify: { checksum: every-backup, restore_test: daily }`;
      await writeFile(
        join(root, 'policy.yaml'),
        `version: 1
system: tamper
sources:
  site: { type: files, paths: [./data] }
tiers:
  disk: { storage: { type: local, path: ./disk } }
  bucket:
    storage: { type: s3, bucket: ${bucket}, prefix: warm/, endpoint: "\${env:S3_ENDPOINT}", force_path_style: true, region: us-east-1 }
categories:
  localfirst:${category('disk', 'bucket')}
  s3first:${category('bucket', 'disk')}
`,
      );
      env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state'), S3_ENDPOINT: server().endpoint };
      // A good backup of both categories first, so that status reflects the damage, not a missing backup.
      const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
      expect(applied.code, applied.stderr).toBe(0);
    });

    afterAll(async () => {
      await rm(root, { recursive: true, force: true });
    });

    async function readObject(tier: string, key: string): Promise<Buffer> {
      if (tier === 'disk') return readFile(join(root, 'disk', key));
      const out = await server().client.send(new GetObjectCommand({ Bucket: bucket, Key: `warm/${key}` }));
      return Buffer.from(await out.Body!.transformToByteArray());
    }

    async function writeObject(tier: string, key: string, body: Buffer): Promise<void> {
      if (tier === 'disk') await writeFile(join(root, 'disk', key), body);
      else await server().client.send(new PutObjectCommand({ Bucket: bucket, Key: `warm/${key}`, Body: body }));
    }

    async function tamper(kind: Tamper, tier: string, dir: string): Promise<void> {
      const artifact = `${dir}/data.tar.zst`;
      if (kind === 'delete') {
        if (tier === 'disk') await rm(join(root, 'disk', artifact));
        else await server().client.send(new DeleteObjectCommand({ Bucket: bucket, Key: `warm/${artifact}` }));
      } else if (kind === 'truncate') {
        if (tier === 'disk') await truncate(join(root, 'disk', artifact), 100);
        else await writeObject(tier, artifact, (await readObject(tier, artifact)).subarray(0, 100));
      } else if (kind === 'corrupt bytes') {
        const bytes = await readObject(tier, artifact);
        bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
        await writeObject(tier, artifact, bytes);
      } else {
        const manifest = JSON.parse((await readObject(tier, `${dir}/manifest.json`)).toString('utf8'));
        await writeObject(tier, `${dir}/manifest.json`, Buffer.from(JSON.stringify({ ...manifest, sha256: '0'.repeat(64) }, null, 2)));
      }
    }

    const cli = (args: string[]) => runCli(args, env);

    it.each(CASES)('$tamper on the $storage tier ($place tier of $category) is reported and restore falls back', async ({ tamper: kind, category, tier, other, place }) => {
      const backup = await cli(['run', category, '--job', 'backup', '--progress', 'silent']);
      expect(backup.code, backup.stderr).toBe(0);
      const id = JSON.parse((await cli(['ls', category, '--json'])).stdout).backups[0].id as string;
      const dir = `tamper/${category}/site/${id.slice(0, 4)}/${id.slice(4, 6)}/${id}`;
      await tamper(kind, tier, dir);

      // Restore: the tampered copy is skipped with its reason, the other tier's copy is used (a damaged second
      // copy is never reached: the first tier's good copy comes first).
      const restored = await cli(['restore', category, '--backup', id, '--to', join(root, `restored-${category}-${tier}-${kind.replace(/ /g, '-')}`), '--json']);
      expect(restored.code, restored.stderr).toBe(0);
      const result = JSON.parse(restored.stdout).restored[0];
      expect(result).toMatchObject({ backup_id: id, tier: other, copy: { tier: other } });
      if (place === 'first') {
        expect(result.skipped).toEqual([{ backup_id: id, tier, reason: expect.stringMatching(PROBLEM[kind]) }]);
        expect(restored.stderr).toContain(`skipped the copy of backup ${id} on tier ${tier}`);
      } else {
        expect(result.skipped).toEqual([]);
      }

      // Before any verification, the scan already sees a missing or short artifact.
      const before = await cli(['ls', category, '--json']);
      const damagedBefore = JSON.parse(before.stdout).damaged as { id: string; tier: string; problem: string }[];
      if (SEEN_BY_SCAN[kind]) {
        expect(before.code).toBe(4);
        expect(damagedBefore).toEqual([expect.objectContaining({ id, tier, problem: expect.stringMatching(PROBLEM[kind]) })]);
        // The scheduled verify job (nothing due) reports it too, and fails.
        const scheduled = await cli(['run', category, '--job', 'verify', '--progress', 'silent']);
        expect(scheduled.code).toBe(1);
        expect(scheduled.stderr).toContain(`problem: backup ${id} of ${category}/site on tier ${tier} is damaged`);
      }

      // verify --now reads every copy: it fails, naming the backup, the tier and what is wrong.
      const verify = await cli(['run', category, '--job', 'verify', '--now', '--progress', 'silent']);
      expect(verify.code, verify.stderr).toBe(1);
      expect(verify.stderr).toMatch(new RegExp(`${tier}/${id}: .*${PROBLEM[kind].source}`));

      const ls = await cli(['ls', category, '--json']);
      expect(ls.code).toBe(4);
      const listed = JSON.parse(ls.stdout);
      expect(listed.damaged).toEqual([expect.objectContaining({ id, tier, problem: expect.stringMatching(PROBLEM[kind]) })]);
      expect(listed.backups.find((b: { id: string }) => b.id === id).tiers).toEqual([other]);

      const status = await cli(['status', '--json']);
      expect(status.code).toBe(4);
      const row = JSON.parse(status.stdout).categories.find((c: { category: string }) => c.category === category);
      expect(row.damaged).toEqual([expect.objectContaining({ backup_id: id, tier, problem: expect.stringMatching(PROBLEM[kind]) })]);
      expect(row.verification_ok).toBe(false);
      expect((await cli(['status', '--metrics'])).stdout).toContain(`strata_damaged_backups{system="tamper",category="${category}"} 1`);

      const plan = JSON.parse((await cli(['plan', '--json'])).stdout);
      expect(plan.problems).toContainEqual(expect.objectContaining({ kind: 'damaged-backup', category, tier, message: expect.stringContaining(`backup ${id} of ${category}/site on tier ${tier} is damaged`) }));
      expect(plan.actions.filter((a: { type: string; dir?: string }) => a.type === 'cleanup' && a.dir === dir)).toEqual([]);
      expect(plan.actions).toContainEqual(expect.objectContaining({ type: 'copy', backup_id: id, from_tier: other, to_tier: tier }));

      // apply copies the good copy over the damaged one; the next verification passes and status is clean.
      const applied = await cli(['apply', '--yes', '--progress', 'silent']);
      expect(applied.code, applied.stderr).toBe(0);
      const again = await cli(['run', category, '--job', 'verify', '--now', '--progress', 'silent']);
      expect(again.code, again.stderr).toBe(0);
      const clean = JSON.parse((await cli(['ls', category, '--json'])).stdout);
      expect(clean.damaged).toEqual([]);
      expect(clean.backups.find((b: { id: string }) => b.id === id).tiers).toEqual(['bucket', 'disk']);
    });
  });
}
