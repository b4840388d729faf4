// The CLI on a policy whose Redis source speaks TLS only, with client certificates required (a real
// redis-server with tls-port and tls-auth-clients yes, an openssl PKI made here): validate, plan (the probe
// and CONFIG GET over TLS), apply (backup and restore test), restore --to rediss:// on the same host. The
// password and the client key's contents appear in no output, no state file and no stored artifact.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../../helpers/run-cli.js';
import { REDIS_BINARIES, type TestRedis } from '../../helpers/redis-server.js';
import { makeTestPki, startTlsRedis, TLS_BINARIES } from '../../helpers/redis-tls.js';
import { requireBinaries } from '../../helpers/services.js';

const bins = requireBinaries([...REDIS_BINARIES, ...TLS_BINARIES, 'zstd'], 'CLI on a TLS redis');
const PASSWORD = 'tls-cli-PLANTED-pw-9d41';

let root: string;
let source: TestRedis;
let target: TestRedis;
let env: Record<string, string>;
/** The base64 lines of the client key: none of them may appear anywhere. */
let keyLines: string[];

function policy(port: number, tls: string): string {
  return `version: 1
system: cachey-tls
sources:
  cache:
    type: redis
    url: "rediss://:\${env:CACHE_PASSWORD}@127.0.0.1:${port}/0"
    tls: ${tls}
    persistence: { appendonly: true }
tiers:
  hot: { storage: { type: local, path: ./store/hot } }
  offsite: { storage: { type: local, path: ./store/offsite }, offsite: true }
categories:
  sessions:
    rpo: 1h
    rto: 10m
    data: [ { source: cache } ]
    schedule: { full: "0 * * * *" }
    copies: [ { tier: hot, keep: { last: 5 } }, { tier: offsite, keep: { last: 5 } } ]
    verify: { checksum: every-backup, restore_test: daily }
`;
}

async function readTree(dir: string): Promise<string> {
  let out = '';
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out += await readFile(join(entry.parentPath, entry.name), 'latin1');
  }
  return out;
}

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(PASSWORD);
  for (const line of keyLines) expect(text).not.toContain(line);
}

describe.skipIf(bins.skip)('strata CLI on a TLS-only redis-server with client certificates', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'strata-redis-tls-cli-'));
    // The PKI lives beside the policy, which names its files by relative paths (resolved against the policy's directory).
    await mkdir(join(root, 'pki'));
    const pki = await makeTestPki(join(root, 'pki'));
    [source, target] = await Promise.all([startTlsRedis(pki, { authClients: true, password: PASSWORD }), startTlsRedis(pki, { authClients: true })]);
    const client = await source.client();
    await client.set('user:1', 'ada');
    await client.set('session:x', 'temp', 'EX', 3600);
    keyLines = (await readFile(pki.clientKey, 'utf8')).split('\n').filter((line) => line.length > 20 && !line.startsWith('-----'));
    expect(keyLines.length).toBeGreaterThan(0);
    await writeFile(join(root, 'policy.yaml'), policy(source.port, '{ ca_file: pki/ca.crt, cert_file: pki/client.crt, key_file: pki/client.key }'));
    await writeFile(join(root, 'no-cert.yaml'), policy(source.port, '{ ca_file: pki/ca.crt }').replace('cachey-tls', 'cachey-tls-no-cert'));
    env = { STRATA_POLICIES: join(root, 'policy.yaml'), STRATA_STATE_DIR: join(root, 'state'), CACHE_PASSWORD: PASSWORD };
  }, 60_000);

  afterAll(async () => {
    await Promise.all([source, target].map((s) => s?.stop()));
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('validates, plans over TLS (probe + CONFIG GET), applies (backup + restore test), restores --to rediss://, leaking nothing', async () => {
    const runs: CliRun[] = [];
    const validate = await runCli(['validate'], env);
    runs.push(validate);
    expect(validate.code, validate.stdout + validate.stderr).toBe(0);

    const plan = await runCli(['plan'], env);
    runs.push(plan);
    expect(plan.code, plan.stderr).not.toBe(1);
    expect(plan.stdout).toContain('~ source-config source cache settings');
    expect(plan.stdout).toContain('appendonly: "no" → "yes"');

    const applied = await runCli(['apply', '--yes', '--progress', 'silent'], env);
    runs.push(applied);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    const admin = await source.client();
    expect(await admin.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);

    const ls = await runCli(['ls', '--json'], env);
    runs.push(ls);
    expect((JSON.parse(ls.stdout).backups as unknown[]).length).toBeGreaterThan(0);

    // --to a rediss:// URL on the source's host: the source's CA and client certificate are used for it.
    const restored = await runCli(['restore', 'sessions', '--to', `rediss://127.0.0.1:${target.port}`, '--yes'], env);
    runs.push(restored);
    expect(restored.code, restored.stderr).toBe(0);
    const copy = await target.client();
    expect(await copy.get('user:1')).toBe('ada');
    expect(await copy.ttl('session:x')).toBeGreaterThan(0);

    for (const run of runs) expectNoSecrets(run.stdout + run.stderr);
    expectNoSecrets(await readTree(join(root, 'state')));
    expectNoSecrets(await readTree(join(root, 'store')));
  });

  it('without the client certificate, plan names the host and says to set tls.cert_file/key_file', async () => {
    const noCert = { ...env, STRATA_POLICIES: join(root, 'no-cert.yaml'), STRATA_STATE_DIR: join(root, 'state-no-cert') };
    const started = Date.now();
    const plan = await runCli(['plan'], noCert);
    const output = plan.stdout + plan.stderr;
    expect(output).toContain(`redis at 127.0.0.1:${source.port}`);
    expect(output).toContain('the server may require a client certificate (tls-auth-clients yes): set tls.cert_file and tls.key_file of redis source "cache"');
    expect(Date.now() - started).toBeLessThan(10_000);
    expectNoSecrets(output);
  });
});
