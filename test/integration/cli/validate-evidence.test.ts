// validate's RTO check reads measured restore times from the state dir when there is one: the newest passed
// restore test of a category, as `strata run --job verify` records it (recordVerification, the real writer).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordVerification } from '../../../src/state/evidence-store.js';
import { runCli } from '../../helpers/run-cli.js';

let root: string;
let policy: string;
let stateDir: string;

const POLICY = `version: 1
system: shop
sources:
  uploads: { type: files, paths: [/srv/uploads] }
tiers:
  hot: { storage: { type: local, path: /var/backups/strata } }
  offsite: { storage: { type: s3, bucket: shop-backups } }
categories:
  orders:
    rpo: 24h
    rto: 10m
    data: [ { source: uploads } ]
    schedule: { full: "0 2 * * *" }
    copies:
      - { tier: hot, keep: { daily: 7 } }
      - { tier: offsite, keep: { daily: 30 } }
`;

describe('validate: RTO against measured restore times', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-validate-evidence-'));
    policy = join(root, 'shop.yaml');
    await writeFile(policy, POLICY);
    stateDir = join(root, 'state');
    await recordVerification(stateDir, {
      kind: 'restore_test',
      system: 'shop',
      category: 'orders',
      at: '2026-11-20T04:00:00.000Z',
      ok: true,
      backup_ids: ['20261120T020000Z-abc123'],
      tier: 'hot',
      duration_ms: 25 * 60_000,
      bytes: 12_000_000_000,
      details: [],
    });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const env = { STRATA_STATE_DIR: undefined, STRATA_POLICIES: undefined };

  it('warns with the measured numbers when a state dir holds a restore slower than the RTO', async () => {
    const run = await runCli(['validate', '--policies', policy, '--state-dir', stateDir, '--format', 'json'], env);
    expect(run.code).toBe(0); // a warning, not an error
    const doc = JSON.parse(run.stdout);
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'rto-unreachable',
        line: 11,
        col: 10,
        message: expect.stringContaining('no copy can be read back within rto 10m: the fastest takes about 25m (measured restore of 12.0 GB in 25m, 2026-11-20, from tier `hot`)'),
      }),
    ]);
  });

  it('finds the state dir through STRATA_STATE_DIR too', async () => {
    const run = await runCli(['validate', '--policies', policy], { ...env, STRATA_STATE_DIR: stateDir });
    expect(run.stdout).toContain('rto-unreachable');
    expect(run.stdout).toContain(`${policy}:11:10`); // outside the working directory: the absolute path
  });

  it('leaves measurements out with --no-evidence, or when the state dir has none', async () => {
    const ignored = await runCli(['validate', '--policies', policy, '--state-dir', stateDir, '--no-evidence'], env);
    expect(ignored.stdout).toContain('The policy file is valid.');
    const empty = await runCli(['validate', '--policies', policy, '--state-dir', join(root, 'no-such-state')], env);
    expect(empty.stdout).toContain('The policy file is valid.');
  });
});
