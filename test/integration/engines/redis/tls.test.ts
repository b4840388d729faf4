// Redis over TLS against real TLS-only redis-servers (port 0, tls-port) and a PKI made by openssl at test
// time: rdb and logical backups over mutual TLS, restores into a rediss:// target on the source's host
// (which uses the source's tls settings), the runbook's manual redis-cli --tls command as rendered, and
// the failures an SRE meets first (no client certificate, the wrong CA, the system CAs, a name mismatch,
// an expired certificate, a missing file, a TLS port spoken to in plain TCP), each reported within
// seconds, naming the host and what to set.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RedisSource } from '../../../../src/generated/policy.js';
import { restoreBackup } from '../../../../src/backup/restore-backup.js';
import { runBackup } from '../../../../src/backup/run-backup.js';
import { redisEngine } from '../../../../src/engines/redis/redis-engine.js';
import { readPersistence } from '../../../../src/engines/redis/persistence.js';
import { scanTier } from '../../../../src/observe/scan-tier.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { buildFallback } from '../../../../src/render/manual-fallback.js';
import { diffSnapshots, identity, REDIS_BINARIES, redisFixture, seedRedis, snapshotRedis, type TestRedis } from '../../../helpers/redis-server.js';
import { clientTls, makeTestPki, startExpiredTlsRedis, startTlsRedis, TLS_BINARIES, type TestPki } from '../../../helpers/redis-tls.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const PASSWORD = 'tls-PLANTED-pw-5e2a';

describeWithBinaries([...REDIS_BINARIES, ...TLS_BINARIES, 'zstd'], 'redis over TLS (real redis-server, tls-port, openssl PKI)', () => {
  let pkiDir: string;
  let pki: TestPki;
  /** Mutual TLS (tls-auth-clients yes) and a password. */
  let source: TestRedis;
  /** Server-only TLS (tls-auth-clients no). */
  let open: TestRedis;
  const started: TestRedis[] = [];
  let expected: Awaited<ReturnType<typeof snapshotRedis>>;

  beforeAll(async () => {
    pkiDir = await mkdtemp(join(tmpdir(), 'strata-redis-pki-'));
    pki = await makeTestPki(pkiDir);
    [source, open] = await Promise.all([startTlsRedis(pki, { authClients: true, password: PASSWORD }), startTlsRedis(pki, { authClients: false })]);
    const client = await source.client();
    await seedRedis(client, { count: 100 });
    await client.select(2);
    await seedRedis(client, { prefix: 'two:', count: 10 });
    await client.select(0);
    expected = await snapshotRedis(client, [0, 2]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([source, open, ...started].map((s) => s?.stop()));
    if (pkiDir) await rm(pkiDir, { recursive: true, force: true });
  });

  async function target(): Promise<TestRedis> {
    const server = await startTlsRedis(pki, { authClients: true });
    started.push(server);
    return server;
  }

  async function backup(work: string, mode: 'rdb' | 'logical') {
    const fixture = redisFixture({ storageRoot: join(work, mode), url: source.url, mode, tls: clientTls(pki, true) });
    const { manifest, dir } = await runBackup({ ...fixture, resolveSecret: identity });
    const storage = fixture.storages.get('hot')!;
    const entry = (await scanTier(storage, 'hot', 'test-system/')).entries.find((e) => e.dir === dir)!;
    return { fixture, manifest, storage, entry };
  }

  it('rdb: a snapshot over mutual TLS (disk and diskless transfers) restores into a rediss:// target with the same keys and values', async () => {
    const work = await makeTempDir();
    const disk = await backup(work, 'rdb');
    expect(disk.manifest.codecs.format).toBe('rdb');
    expect(disk.manifest.stats).toMatchObject({ keys: expected.size, expires: 40 });
    // The diskless path streams the RDB as the server writes it: the same data over the same TLS copy path.
    const admin = await source.client();
    await admin.config('SET', 'repl-diskless-sync-delay', '0');
    try {
      const diskless = await backup(join(work, 'diskless'), 'rdb');
      expect(diskless.manifest.stats).toMatchObject({ keys: expected.size, sample_digest: disk.manifest.stats.sample_digest });
    } finally {
      await admin.config('SET', 'repl-diskless-sync-delay', '5');
    }

    // The target is on the source's host: the source's tls settings (CA, client certificate) apply to it.
    const to = await target();
    const restored = await restoreBackup({ entry: disk.entry, storage: disk.storage, policy: disk.fixture.policy, target: to.url, resolveSecret: identity });
    expect(restored.stats).toMatchObject({ keys: expected.size, sample_digest: disk.manifest.stats.sample_digest });
    expect(diffSnapshots(expected, await snapshotRedis(await to.client(), [0, 2]))).toEqual([]);
  });

  it("logical: SCAN + DUMP over mutual TLS restores into a rediss:// target, and the runbook's redis-cli --tls fallback loads it too", async () => {
    const work = await makeTempDir();
    const { fixture, manifest, storage, entry } = await backup(work, 'logical');
    expect(manifest.codecs.format).toBe('resp');
    expect(manifest.stats).toMatchObject({ keys: expected.size, expires: 40 });
    const to = await target();
    const restored = await restoreBackup({ entry, storage, policy: fixture.policy, target: to.url, resolveSecret: identity });
    expect(restored.stats).toMatchObject({ keys: expected.size, sample_digest: manifest.stats.sample_digest });
    expect(diffSnapshots(expected, await snapshotRedis(await to.client(), [0, 2]))).toEqual([]);

    // The runbook's manual fallback, run as rendered: redis-cli with the source's --tls/--cacert/--cert/--key.
    const [fallback] = buildFallback(fixture.policy, fixture.category);
    const load = fallback!.load.find((line) => line.startsWith('redis-cli '))!;
    expect(load).toContain(`--tls --cacert ${pki.caFile} --cert ${pki.clientCert} --key ${pki.clientKey} --pipe`);
    const restoreDir = join(work, 'manual');
    const artifact = join(fixture.root, entry.dir, manifest.artifact);
    await runCommand('bash', ['-c', 'mkdir -p "$1" && zstd -dc "$2" > "$1/dump.resp"', 'unpack', restoreDir, artifact]);
    const manual = await target();
    const piped = await runCommand('bash', ['-o', 'pipefail', '-c', load.replaceAll('/restore/sessions', restoreDir)], { env: { TARGET_REDIS_URL: manual.url } });
    expect(piped.stdout).toMatch(/errors: 0, replies: \d+/);
    expect(diffSnapshots(expected, await snapshotRedis(await manual.client(), [0, 2]))).toEqual([]);
  });

  /** Probe a source and return how it failed (or 'ok'), and how long that took. */
  async function probe(url: string, tls: RedisSource['tls'], resolveSecret = identity): Promise<{ outcome: string; ms: number }> {
    const started = Date.now();
    const source: RedisSource = { type: 'redis', url, ...(tls ? { tls } : {}) };
    const outcome = await redisEngine.probe!({ name: 'cache', source, data: { source: 'cache', sourceType: 'redis' }, resolveSecret }).then(
      () => 'ok',
      (error: Error) => error.message,
    );
    return { outcome, ms: Date.now() - started };
  }

  it('mutual TLS: without a client certificate the error says to set tls.cert_file/key_file; with one, probe and CONFIG GET work', async () => {
    const host = `127.0.0.1:${source.port}`;
    const without = await probe(source.url, clientTls(pki, false));
    expect(without.outcome).toContain(`redis at ${host}`);
    expect(without.outcome).toMatch(/the server may require a client certificate \(tls-auth-clients yes\): set tls\.cert_file and tls\.key_file of redis source "cache"/);
    expect(without.ms).toBeLessThan(5000);

    // A certificate from a CA the server does not trust: refused, and said so.
    const stranger = await probe(source.url, { ca_file: pki.caFile, cert_file: pki.strangerCert, key_file: pki.strangerKey });
    expect(stranger.outcome).toContain(`redis at ${host}`);
    expect(stranger.outcome).toContain(`the server refused the client certificate tls.cert_file "${pki.strangerCert}"`);

    expect((await probe(source.url, clientTls(pki, true))).outcome).toBe('ok');
    const settings = await readPersistence({ type: 'redis', url: source.url, tls: clientTls(pki, true) }, identity, 'cache');
    expect(settings).toMatchObject({ appendonly: 'no' });
    for (const run of [without, stranger]) expect(run.outcome).not.toContain(PASSWORD);
  });

  it('certificate problems fail within seconds, naming the host, what failed and what to set', async () => {
    const url = open.url;
    const host = `127.0.0.1:${open.port}`;
    const cases: { tls: RedisSource['tls']; message: RegExp }[] = [
      // The wrong CA file: the server's certificate is not signed by it.
      { tls: { ca_file: pki.otherCaFile }, message: /TLS: the server's certificate is not signed by a CA in tls\.ca_file ".*other-ca\.crt" \(\w+\): point tls\.ca_file of redis source "cache" at the PEM file of the CA/ },
      // No tls settings: the system CAs do not know a private CA.
      { tls: undefined, message: /TLS: the server's certificate is not signed by a CA in the system CAs \(\w+\): set tls\.ca_file of redis source "cache"/ },
      // A name the certificate does not list (it lists IP 127.0.0.1 and DNS localhost).
      { tls: { ca_file: pki.caFile, server_name: 'cache.example.com' }, message: /does not name the host Strata connected to \(.*cache\.example\.com.*IP Address:127\.0\.0\.1, DNS:localhost\).*set tls\.server_name of redis source "cache"/ },
      { tls: { ca_file: join(pkiDir, 'missing.pem') }, message: /cannot read tls\.ca_file ".*missing\.pem" of redis source "cache": no such file/ },
      { tls: { ca_file: pki.clientKey }, message: /tls\.ca_file ".*client\.key" of redis source "cache" holds no PEM certificate/ },
      { tls: { ca_file: pki.caFile, cert_file: pki.clientCert, key_file: pki.serverKey }, message: /tls\.cert_file ".*client\.crt" and tls\.key_file ".*server\.key" of redis source "cache" do not match/ },
    ];
    for (const c of cases) {
      const { outcome, ms } = await probe(url, c.tls);
      expect(outcome).toContain(`redis at ${host}`);
      expect(outcome).toMatch(c.message);
      expect(ms).toBeLessThan(5000);
    }

    const expired = await startExpiredTlsRedis(pki);
    started.push(expired.server);
    const old = await probe(`rediss://127.0.0.1:${expired.tlsPort}`, { ca_file: pki.caFile });
    expect(old.outcome).toContain(`redis at 127.0.0.1:${expired.tlsPort}: cannot connect: TLS: the server's certificate has expired: renew it on the server`);
    expect(old.ms).toBeLessThan(5000);

    // Plain TCP to a TLS port, and TLS to a plain port.
    const plainToTls = await probe(`redis://127.0.0.1:${open.port}`, undefined);
    expect(plainToTls.outcome).toMatch(/before sending anything \(if the server serves TLS on this port, use a rediss:\/\/ url\)/);
    const tlsToPlain = await probe(`rediss://127.0.0.1:${expired.server.port}`, { ca_file: pki.caFile });
    expect(tlsToPlain.outcome).toContain(`redis at 127.0.0.1:${expired.server.port}: cannot connect: no TLS handshake within 3 s (if this port serves plain TCP, use a redis:// url`);
    expect(plainToTls.ms).toBeLessThan(5000);
    expect(tlsToPlain.ms).toBeLessThan(5000);

    // tls on a url that turns out to be redis:// (known only once the reference is resolved).
    const plain = await probe('${env:CACHE_URL}', { ca_file: pki.caFile }, () => `redis://127.0.0.1:${open.port}`);
    expect(plain.outcome).toBe('redis source "cache" sets tls, but its url is redis:// (plain TCP): use a rediss:// url, or remove tls');
  });
});
