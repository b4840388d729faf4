// Bench data for Redis: a private redis-server (random port, temp dir) filled through redis-cli --pipe
// with a deterministic mix of keys: 60% strings of 20-300 bytes (random, so LZF cannot shrink them
// much), 10% each hashes, lists, sets and sorted sets of 5 elements; 5% of the keys have a TTL.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export async function startServer(log, extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'strata-bench-redis-'));
  const port = await freePort();
  const conf = join(dir, 'redis.conf');
  writeFileSync(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, 'save ""', 'appendonly no', `logfile ${join(dir, 'redis.log')}`, ...extra].join('\n') + '\n');
  const child = spawn('redis-server', [conf], { stdio: 'ignore' });
  for (let i = 0; i < 100; i += 1) {
    try {
      execFileSync('redis-cli', ['-p', String(port), 'ping'], { stdio: 'pipe' });
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  log(`redis-server on 127.0.0.1:${port} (${dir})`);
  const cli = (...args) => execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8' }).trim();
  return {
    port,
    dir,
    url: `redis://127.0.0.1:${port}`,
    cli,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function bulk(parts, arg) {
  const data = Buffer.isBuffer(arg) ? arg : Buffer.from(String(arg));
  parts.push(`$${data.length}\r\n`, data, '\r\n');
}

function command(parts, ...args) {
  parts.push(`*${args.length}\r\n`);
  for (const arg of args) bulk(parts, arg);
}

/** Deterministic pseudo-random bytes (xorshift), base64: varied and nearly incompressible for LZF. */
function makeRandom(seed) {
  let x = seed >>> 0 || 1;
  return (n) => {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i += 1) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out.toString('base64').slice(0, n);
  };
}

export async function fill(server, keys, log) {
  const random = makeRandom(42);
  const child = spawn('redis-cli', ['-p', String(server.port), '--pipe'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  const exited = new Promise((resolve) => child.on('exit', resolve));
  const write = (parts) =>
    new Promise((resolve) => {
      const data = Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p))));
      if (child.stdin.write(data)) resolve();
      else child.stdin.once('drain', resolve);
    });
  const started = Date.now();
  for (let base = 0; base < keys; base += 10_000) {
    const parts = [];
    for (let i = base; i < Math.min(keys, base + 10_000); i += 1) {
      const kind = i % 10;
      const key = `bench:${kind}:${i}`;
      if (kind < 6) command(parts, 'SET', key, random(20 + ((i * 7919) % 281)));
      else if (kind === 6) command(parts, 'HSET', key, 'name', random(12), 'email', random(20), 'n', i, 'a', random(8), 'b', random(8));
      else if (kind === 7) command(parts, 'RPUSH', key, random(10), random(10), random(10), i, random(10));
      else if (kind === 8) command(parts, 'SADD', key, random(10), random(10), random(10), i, random(10));
      else command(parts, 'ZADD', key, 1, random(8), 2, random(8), 3, random(8), i, 'x', 5.5, random(8));
      if (i % 20 === 3) command(parts, 'EXPIRE', key, 86_400);
    }
    await write(parts);
  }
  child.stdin.end();
  await exited;
  if (!/errors: 0/.test(output)) throw new Error(`redis-cli --pipe reported: ${output}`);
  log(`filled ${keys} keys in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
