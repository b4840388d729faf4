// The replication fetch itself: no repl-diskless-sync-delay on a default server (disk path), the
// diskless path when the delay is 0, the fallback to diskless when the server cannot write its dump
// file, a valid RDB either way (redis-check-rdb), backpressure (the socket pauses), and a cut link.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fetchRdb } from '../../../../src/engines/redis/rdb-sync.js';
import { runCommand } from '../../../../src/exec/exec.js';
import { REDIS_BINARIES, seedRedis, startTestRedis, type TestRedis } from '../../../helpers/redis-server.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

async function fetchToFile(server: TestRedis, file: string, options: Parameters<typeof fetchRdb>[1] = {}) {
  const started = Date.now();
  const fetched = await fetchRdb(server.endpoint, options);
  await pipeline(fetched.stream, createWriteStream(file));
  const transfer = await fetched.done;
  return { ...transfer, ms: Date.now() - started, keyspace: fetched.keyspace };
}

describeWithBinaries(REDIS_BINARIES, 'redis rdb fetch over the replication protocol', () => {
  const servers: TestRedis[] = [];

  async function server(config: string[] = []): Promise<TestRedis> {
    const started = await startTestRedis({ config });
    servers.push(started);
    await seedRedis(await started.client(), { count: 50 });
    return started;
  }

  let defaults: TestRedis;
  beforeAll(async () => {
    defaults = await server();
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('does not wait for repl-diskless-sync-delay on a server with the defaults (5 s): it takes the disk path', async () => {
    const client = await defaults.client();
    expect(await client.config('GET', 'repl-diskless-sync-delay')).toEqual(['repl-diskless-sync-delay', '5']);
    expect(await client.config('GET', 'repl-diskless-sync')).toEqual(['repl-diskless-sync', 'yes']);
    const work = await makeTempDir();
    const result = await fetchToFile(defaults, join(work, 'dump.rdb'));
    expect(result.transfer).toBe('disk');
    expect(result.ms).toBeLessThan(3000);
    expect(result.keyspace.get(0)?.keys).toBe(await client.dbsize());
    expect((await runCommand('redis-check-rdb', [join(work, 'dump.rdb')])).stdout).toMatch(/RDB looks OK/);
  });

  it('streams diskless (EOF-marked payload) when the delay is 0', async () => {
    const quick = await server(['repl-diskless-sync-delay 0']);
    const work = await makeTempDir();
    const result = await fetchToFile(quick, join(work, 'dump.rdb'));
    expect(result.transfer).toBe('diskless');
    expect(result.ms).toBeLessThan(3000);
    const check = await runCommand('redis-check-rdb', [join(work, 'dump.rdb')]);
    expect(check.stdout).toMatch(/RDB looks OK/);
    expect(check.stdout).toMatch(new RegExp(`\\[info\\] ${await (await quick.client()).dbsize()} keys read`));
  });

  it('falls back to diskless when the server cannot write its dump file', async () => {
    const broken = await server(['repl-diskless-sync-delay 1']);
    await rm(broken.dir, { recursive: true, force: true });
    const work = await makeTempDir();
    const result = await fetchToFile(broken, join(work, 'dump.rdb'));
    expect(result.transfer).toBe('diskless');
    expect((await runCommand('redis-check-rdb', [join(work, 'dump.rdb')])).stdout).toMatch(/RDB looks OK/);
  });

  it('pauses the socket while the consumer does not read: memory stays bounded', async () => {
    const large = await startTestRedis({ config: ['rdbcompression no', 'enable-debug-command yes'] });
    servers.push(large);
    await (await large.client()).call('DEBUG', 'POPULATE', '60000', 'key', '400');
    const fetched = await fetchRdb(large.endpoint);
    const chunks: Buffer[] = [];
    let total = 0;
    let peak = 0;
    fetched.stream.on('data', (chunk: Buffer) => {
      total += chunk.length;
      peak = Math.max(peak, fetched.stream.readableLength);
      if (chunks.length === 0) {
        chunks.push(chunk);
        fetched.stream.pause();
        setTimeout(() => {
          peak = Math.max(peak, fetched.stream.readableLength);
          fetched.stream.resume();
        }, 500);
      }
    });
    const transfer = await fetched.done;
    expect(total).toBe(transfer.bytes);
    expect(transfer.bytes).toBeGreaterThan(20 << 20);
    expect(peak).toBeLessThan(4 << 20);
  });

  it('fails, naming the bytes received, when the server drops the link mid-transfer', async () => {
    const large = await startTestRedis({ config: ['rdbcompression no', 'enable-debug-command yes', 'repl-diskless-sync-delay 0'] });
    servers.push(large);
    const admin = await large.client();
    await admin.call('DEBUG', 'POPULATE', '60000', 'key', '400');
    const fetched = await fetchRdb(large.endpoint);
    const received: Buffer[] = [];
    fetched.stream.on('data', (chunk: Buffer) => received.push(chunk));
    fetched.stream.on('error', () => undefined);
    fetched.stream.pause(); // backpressure stops the transfer a few MB in
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'replica'))).toBe(1);
    fetched.stream.resume();
    const error = await fetched.done.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const bytes = Number(/the connection closed after (\d+) bytes of the RDB/.exec(error?.message ?? '')?.[1]);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(20 << 20);
    expect(Buffer.concat(received).length).toBeLessThanOrEqual(bytes);
  });
});
