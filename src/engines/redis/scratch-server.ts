// A private, throw-away redis-server: loopback only, a random port and a random password (both in a
// 0600 config file, never on argv), no persistence unless asked. Restores load RDBs with it, restore
// tests restore into it, and the tests use it as their source.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { spawnStream, type StreamingProcess } from '../../exec/exec.js';
import type { RedisTls } from '../../generated/policy.js';
import { RespError } from './resp-reply.js';
import { authenticate, RespSocket } from './resp-socket.js';
import { messageOf, parseRedisUrl, type RedisEndpoint } from './redis-url.js';

export interface ScratchServerOptions {
  /** Working directory (created): config, log, and dbfilename live here. */
  dir: string;
  dbfilename?: string;
  /** Password to require; a random one by default, null for none. */
  password?: string | null;
  /** Number of databases (default 16; raise it for RDBs that use higher numbers). */
  databases?: number;
  /** Extra redis.conf lines (e.g. persistence settings under test). */
  config?: string[];
  /** How long to wait for the server to accept connections (loading an RDB may take longer: that is waited for). */
  startTimeoutMs?: number;
  /**
   * `stdin` runs `redis-server -` with the configuration on stdin: nothing (not even the password)
   * is written to disk, and the server has no config file (CONFIG REWRITE then refuses).
   */
  configVia?: 'file' | 'stdin';
  /** Serve TLS only (port 0, tls-port on the chosen port): a rediss:// server, as the TLS tests need. */
  tls?: ScratchTls;
}

export interface ScratchTls {
  /** The server's certificate, key and the CA it checks client certificates against (PEM files). */
  certFile: string;
  keyFile: string;
  caFile: string;
  /** tls-auth-clients: whether clients must present a certificate signed by caFile. */
  authClients: boolean;
  /** What Strata's own connections to it (readiness probe, `endpoint`) use. */
  client: RedisTls;
}

export interface ScratchServer {
  port: number;
  /** redis://:password@127.0.0.1:port: holds the password, never print it. */
  url: string;
  endpoint: RedisEndpoint;
  password?: string;
  dir: string;
  configFile: string;
  logFile: string;
  /** The redis-server process (for the restore-test journal: a killed Strata leaves it running). */
  pid: number | undefined;
  stop(): Promise<void>;
}

/** A port nothing listens on right now (the caller retries if it is taken before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

async function tail(file: string): Promise<string> {
  try {
    const text = await readFile(file, 'utf8');
    return text
      .trim()
      .split('\n')
      .filter((line) => /#|Fatal|FATAL|error|Error|Can't|Bad|Short/.test(line))
      .slice(-3)
      .map((line) => line.replace(/^\d+:[A-Z] [^*#]*[*#] /, ''))
      .join('; ');
  } catch {
    return '';
  }
}

/** Later lines win in redis.conf: `port 0` turns plain TCP off. */
function tlsLines(tls: ScratchTls, port: number): string[] {
  return [
    'port 0',
    `tls-port ${port}`,
    `tls-cert-file ${quote(tls.certFile)}`,
    `tls-key-file ${quote(tls.keyFile)}`,
    `tls-ca-cert-file ${quote(tls.caFile)}`,
    `tls-auth-clients ${tls.authClients ? 'yes' : 'no'}`,
  ];
}

type Probe = 'ready' | 'loading' | 'down';

async function probe(endpoint: RedisEndpoint): Promise<Probe> {
  let connection: RespSocket | undefined;
  try {
    connection = await RespSocket.open(endpoint, { connectTimeoutMs: 1000, idleTimeoutMs: 2000 });
    await authenticate(connection);
    const reply = await connection.command(['PING']);
    if (reply instanceof RespError) return /LOADING/.test(reply.message) ? 'loading' : 'down';
    return 'ready';
  } catch (error) {
    return /LOADING/.test(messageOf(error)) ? 'loading' : 'down';
  } finally {
    connection?.destroy();
  }
}

async function startOnce(options: ScratchServerOptions, port: number): Promise<ScratchServer> {
  const password = options.password === null ? undefined : (options.password ?? randomBytes(18).toString('base64url'));
  const configFile = join(options.dir, 'redis.conf');
  const logFile = join(options.dir, 'redis.log');
  const lines = [
    'bind 127.0.0.1',
    `port ${port}`,
    `dir ${quote(options.dir)}`,
    `dbfilename ${quote(options.dbfilename ?? 'dump.rdb')}`,
    `logfile ${quote(logFile)}`,
    'daemonize no',
    'save ""',
    'appendonly no',
    `databases ${Math.max(16, options.databases ?? 16)}`,
    ...(password ? [`requirepass ${quote(password)}`] : []),
    ...(options.tls ? tlsLines(options.tls, port) : []),
    ...(options.config ?? []),
  ];
  const viaStdin = options.configVia === 'stdin';
  if (!viaStdin) await writeFile(configFile, `${lines.join('\n')}\n`, { mode: 0o600 });
  const url = `${options.tls ? 'rediss' : 'redis'}://${password ? `:${encodeURIComponent(password)}@` : ''}127.0.0.1:${port}`;
  const endpoint = { ...parseRedisUrl(url, 'scratch redis-server'), ...(options.tls ? { tlsSettings: options.tls.client } : {}) };
  const child: StreamingProcess = spawnStream('redis-server', [viaStdin ? '-' : configFile], { secrets: password ? [password] : [] });
  child.stdin.on('error', () => undefined);
  child.stdin.end(viaStdin ? `${lines.join('\n')}\n` : undefined);
  child.stdout.resume();
  let exited: Error | undefined;
  const exit = child.done.then(
    () => (exited = new Error('redis-server exited')),
    (error: unknown) => (exited = error instanceof Error ? error : new Error(String(error))),
  );

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  for (;;) {
    if (exited) {
      const why = (await tail(logFile)) || messageOf(exited);
      throw new Error(`scratch redis-server on port ${port} did not start: ${why}`);
    }
    const state = await probe(endpoint);
    if (state === 'ready') break;
    if (state === 'down' && Date.now() > deadline) {
      child.kill();
      throw new Error(`scratch redis-server on port ${port} did not accept connections within ${Math.round((options.startTimeoutMs ?? 30_000) / 1000)} s`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (!exited) {
        // SIGTERM: a clean shutdown; with `save ""` nothing is written.
        child.kill();
        await Promise.race([exit, new Promise((r) => setTimeout(r, 10_000))]);
      }
    })();
    return stopped;
  };
  return { port, url, endpoint, password, dir: options.dir, configFile, logFile, pid: child.pid, stop };
}

/** Start a private redis-server; retries on another port if the chosen one was taken meanwhile. */
export async function startScratchServer(options: ScratchServerOptions): Promise<ScratchServer> {
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    try {
      return await startOnce(options, await freePort());
    } catch (error) {
      lastError = error as Error;
      if (!/Address already in use|bind/i.test(lastError.message)) break;
    }
  }
  const message = lastError?.message ?? 'unknown error';
  if (/not installed or not on PATH/.test(message)) {
    throw new Error('redis-server is not installed on this host (Debian/Ubuntu: apt-get install redis-server): it is needed to load RDB backups');
  }
  throw lastError ?? new Error(message);
}
