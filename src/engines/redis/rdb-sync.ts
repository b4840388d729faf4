// Fetch an RDB snapshot over the replication protocol, like `redis-cli --rdb`, from any reachable
// server: AUTH, REPLCONF rdb-only 1 (Redis ≥ 7: the server closes the link after the RDB instead of
// streaming commands), SYNC, then exactly the payload bytes (`$<len>` or diskless `$EOF:<mark>`).
//
// repl-diskless-sync-delay: redis-cli announces `REPLCONF capa eof`, so a server with diskless sync on
// (the Redis 7 default) waits repl-diskless-sync-delay (default 5 s) for more replicas before it
// starts the transfer. Strata announces capa eof only when that delay is 0; otherwise it lets the
// server take the disk path (BGSAVE to its own dump file, then `$<len>`), which starts at once. If the
// disk path fails (read-only or full disk), Strata retries once over the diskless path.
import { Readable } from 'node:stream';
import { PayloadChunker, type PayloadEnd } from './payload-chunker.js';
import { RespError } from './resp-reply.js';
import { authenticate, explainReplyError, RespSocket } from './resp-socket.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';
import { parseKeyspace, type Keyspace } from './keyspace.js';

const EOF_MARK_SIZE = 40;

export interface RdbTransfer {
  bytes: number;
  /** How the server produced the RDB: `disk` (BGSAVE to its dump file) or `diskless` (straight to the socket). */
  transfer: 'disk' | 'diskless';
}

export interface RdbFetch {
  /** Exactly the RDB bytes. Errors (connection lost, short payload) surface as stream errors. */
  stream: Readable;
  /** Resolves when the whole payload was received. */
  done: Promise<RdbTransfer>;
  /** INFO keyspace read on the same connection just before SYNC. */
  keyspace: Keyspace;
}

export interface FetchOptions {
  signal?: AbortSignal;
  /** Give up when the server sends nothing (not even a keepalive) for this long. */
  idleTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Force the transfer mode (tests); by default chosen as described above. */
  transfer?: 'disk' | 'diskless';
}

type Header = PayloadEnd;

class SyncRefused extends Error {
  constructor(
    message: string,
    readonly retryDiskless: boolean,
  ) {
    super(message);
  }
}

async function configValue(connection: RespSocket, name: string): Promise<string | undefined> {
  const reply = await connection.command(['CONFIG', 'GET', name]);
  if (!Array.isArray(reply) || reply.length < 2) return undefined;
  const value = reply[1];
  return Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : undefined;
}

/** Diskless only when it costs no delay; CONFIG may be disabled (managed Redis): then the disk path. */
async function chooseTransfer(connection: RespSocket): Promise<'disk' | 'diskless'> {
  const diskless = await configValue(connection, 'repl-diskless-sync');
  const delay = await configValue(connection, 'repl-diskless-sync-delay');
  return diskless === 'yes' && delay === '0' ? 'diskless' : 'disk';
}

function parseHeader(endpoint: RedisEndpoint, line: string): Header {
  if (line.startsWith('$EOF:')) {
    const mark = Buffer.from(line.slice(5), 'latin1');
    if (mark.length !== EOF_MARK_SIZE) throw endpointError(endpoint, `unexpected SYNC payload header (EOF mark of ${mark.length} bytes)`);
    return { kind: 'eof', mark };
  }
  if (/^\$\d+$/.test(line)) return { kind: 'length', length: Number(line.slice(1)) };
  throw endpointError(endpoint, `unexpected reply to SYNC: ${JSON.stringify(line.slice(0, 80))}`);
}

function refusal(endpoint: RedisEndpoint, line: string, transfer: 'disk' | 'diskless'): SyncRefused {
  const message = line.slice(1);
  if (/BGSAVE/i.test(message)) {
    return new SyncRefused(endpointError(endpoint, `the server could not produce the RDB: ${message}`).message, transfer === 'disk');
  }
  if (/unknown command|NOPERM|no permissions|not allowed/i.test(message)) {
    return new SyncRefused(
      endpointError(
        endpoint,
        `the server refused SYNC (${message}). Managed Redis services usually forbid replication: use mode: logical for this source`,
      ).message,
      false,
    );
  }
  return new SyncRefused(endpointError(endpoint, `SYNC failed: ${message}`).message, false);
}

async function startSync(endpoint: RedisEndpoint, options: FetchOptions, forced?: 'disk' | 'diskless') {
  const connection = await RespSocket.open(endpoint, {
    directReads: true,
    connectTimeoutMs: options.connectTimeoutMs,
    idleTimeoutMs: options.idleTimeoutMs ?? 60_000,
    signal: options.signal,
  });
  try {
    await authenticate(connection);
    const info = await connection.command(['INFO', 'keyspace']);
    if (info instanceof RespError) throw endpointError(endpoint, `INFO keyspace failed: ${explainReplyError(info.message)}`);
    const keyspace = parseKeyspace(Buffer.isBuffer(info) ? info.toString('utf8') : String(info));
    const transfer = forced ?? (await chooseTransfer(connection));
    // Redis < 7 does not know rdb-only: the link then stays open after the RDB, and is closed by us.
    await connection.command(['REPLCONF', 'rdb-only', '1']);
    if (transfer === 'diskless') {
      const capa = await connection.command(['REPLCONF', 'capa', 'eof']);
      if (capa instanceof RespError) throw endpointError(endpoint, `REPLCONF capa eof failed: ${capa.message}`);
    }
    connection.socket.write('SYNC\r\n');
    let line: string;
    try {
      line = await connection.readPayloadHeader();
    } catch (error) {
      // The disk path fails silently (the server drops the replica) when its BGSAVE cannot write.
      throw new SyncRefused(messageOf(error), transfer === 'disk' && /closed the connection/.test(messageOf(error)));
    }
    if (line.startsWith('-')) throw refusal(endpoint, line, transfer);
    return { connection, header: parseHeader(endpoint, line), keyspace, transfer };
  } catch (error) {
    connection.destroy();
    throw error;
  }
}

/** Start the replication handshake; resolves once the server has started sending the RDB. */
export async function fetchRdb(endpoint: RedisEndpoint, options: FetchOptions = {}): Promise<RdbFetch> {
  let started;
  try {
    started = await startSync(endpoint, options, options.transfer);
  } catch (error) {
    if (!(error instanceof SyncRefused) || !error.retryDiskless || options.transfer) throw error instanceof SyncRefused ? new Error(error.message) : error;
    // The server could not write its dump file: ask for the RDB straight over the socket instead.
    started = await startSync(endpoint, options, 'diskless').catch((retry: unknown) => {
      throw retry instanceof SyncRefused ? new Error(`${error.message}; retrying diskless: ${retry.message}`) : retry;
    });
  }
  const { connection, header, keyspace, transfer } = started;
  const { stream, done } = streamPayload(connection, header, options.idleTimeoutMs ?? 60_000, transfer);
  return { stream, done, keyspace };
}

function streamPayload(connection: RespSocket, header: Header, idleTimeoutMs: number, transfer: 'disk' | 'diskless') {
  const { socket, endpoint } = connection;
  let settled = false;
  let resolveDone!: (value: RdbTransfer) => void;
  let rejectDone!: (error: Error) => void;
  const done = new Promise<RdbTransfer>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  done.catch(() => undefined);

  const out = new Readable({
    highWaterMark: 1 << 20,
    read() {
      if (settled) return;
      socket.setTimeout(idleTimeoutMs);
      socket.resume();
    },
    destroy(error, callback) {
      if (!settled) {
        settled = true;
        socket.destroy();
        rejectDone(error ?? new Error('RDB stream closed before the end'));
      }
      callback(error);
    },
  });

  const chunker = new PayloadChunker(header, {
    chunk(data) {
      if (!out.push(data)) {
        // Backpressure: stop reading; no idle timeout while we are the ones waiting.
        socket.pause();
        socket.setTimeout(0);
      }
    },
    end: () => finish(),
  });
  const finish = (): void => {
    if (settled) return;
    settled = true;
    socket.destroy();
    out.push(null);
    resolveDone({ bytes: chunker.bytes, transfer });
  };
  const fail = (error: Error): void => {
    if (settled) return;
    settled = true;
    socket.destroy();
    rejectDone(error);
    out.destroy(error);
  };

  socket.removeAllListeners('close');
  socket.removeAllListeners('timeout');
  socket.on('close', () => {
    const expected = header.kind === 'length' ? ` of ${header.length}` : '';
    fail(endpointError(endpoint, `the connection closed after ${chunker.receivedBytes}${expected} bytes of the RDB`));
  });
  socket.on('error', (error) => fail(endpointError(endpoint, `connection failed during the RDB transfer: ${messageOf(error)}`, error)));
  socket.setTimeout(idleTimeoutMs);
  socket.on('timeout', () => {
    if (!socket.isPaused()) fail(endpointError(endpoint, `the RDB transfer stalled: nothing received for ${Math.round(idleTimeoutMs / 1000)} s`));
  });
  if (chunker.done) finish();
  else connection.handOver(chunker);
  return { stream: out, done };
}
