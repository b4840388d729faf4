// FAKE MongoDB server, in-process, for tests only.
//
// No mongod can be installed on the machines Strata is developed on (no MongoDB packages, no route to
// mongodb.org, no Docker engine), so without this the MongoDB engine's I/O code would never run here.
// This fake speaks the real wire protocol to the real `mongodb` driver, so Strata's engine runs
// unmodified against it. It is a stand-in at a boundary no server here can provide, NOT a MongoDB:
// the tests against a real server live in test/integration/engines/mongodb/ (GitHub CI: mongo:7).
//
// What it implements (what the driver, Strata's engine and the fake's own tests send):
// - wire: OP_MSG (kind-0 body, kind-1 document sequences) and the OP_QUERY handshake, replies as OP_MSG
//   or OP_REPLY (wire-protocol.ts);
// - a standalone, or a replica set primary of set `rs0` (`replicaSet: true`) with $clusterTime,
//   operationTime and snapshot reads (readConcern "snapshot" with atClusterTime, cursor.atClusterTime);
//   a standalone refuses snapshot reads with mongod 7's NotAReplicaSet error;
// - documents stored as their raw BSON bytes and returned byte for byte, `_id` first, with multi-version
//   history for snapshot reads (memory-store.ts);
// - MongoDB's cross-type BSON order for `_id` sorts and `$expr` comparisons (bson-order.ts);
// - find (filter subset, sort {_id: ±1}/natural, skip, limit, projection, batchSize) + getMore +
//   killCursors with mongod's batching (101 documents first, 16 MiB per batch);
// - aggregate: $match, $group with $sum, $skip, $limit, $project, and $currentOp on admin;
// - insert (ordered/unordered, 11000 duplicate key write errors, unique indexes), delete, update with
//   top-level $set, create (options verbatim; views recorded in system.views), createIndexes (specs
//   verbatim after `v: 2`; text indexes rewritten as mongod does), drop, dropDatabase, renameCollection, listDatabases,
//   listCollections, listIndexes, hello/isMaster, ping, buildInfo, endSessions;
// - SCRAM-SHA-256 authentication when `users` are given.
// Anything else is refused loudly: an unknown command with CommandNotFound (59) "fake-mongod:
// unsupported …", an unknown option or operator with a "fake-mongod: unsupported …" error.
//
// What it does NOT implement: a query planner or real indexes (every read scans), WiredTiger, journaling,
// write concerns, transactions, change streams, time series collections, clustered collections, view
// evaluation (views are metadata only), capped collection semantics (capped options are stored, never
// enforced), validators (stored, never enforced), collations, TTL expiry, compression, TLS, streaming
// hello, SASLprep of passwords, snapshot history limits (snapshots never expire).
import { createServer, type Socket } from 'node:net';
import { Binary, Long } from 'mongodb';
import { ClusterClock, toTimestamp } from './cluster-clock.js';
import type { CommandContext, ConnectionInfo, FakeUser, Handler, ServerSettings } from './command-context.js';
import { CommandError, unsupported } from './command-error.js';
import { READ_COMMANDS } from './commands-read.js';
import { HANDSHAKE_COMMANDS, UNAUTHENTICATED_COMMANDS } from './commands-handshake.js';
import { WRITE_COMMANDS } from './commands-write.js';
import { CursorRegistry } from './cursors.js';
import { MemoryStore } from './memory-store.js';
import { buildDocument, decodePlain, documentFromElements, elementsOf, encodeReply, rawOf } from './raw-bson.js';
import { saslContinue, saslStart } from './scram-sha256.js';
import { encodeOpMsg, encodeOpReply, MessageReader, parseMessage, type CommandMessage } from './wire-protocol.js';

export interface FakeMongodOptions {
  /** A single-node replica set primary (set `rs0`) with snapshot reads, instead of a standalone. */
  replicaSet?: boolean;
  /** Users of the admin database; with any, every command but the handshake requires authentication. */
  users?: FakeUser[];
}

export interface FakeMongod {
  /** A URI the driver connects with (with `?replicaSet=rs0` for a replica set). */
  uri: string;
  port: number;
  /** Stop listening and drop every client connection. */
  close(): Promise<void>;
  /** Client connections currently open (for tests that check a killed client's connections went away). */
  connectionCount(): number;
}

const HANDLERS: Record<string, Handler> = {
  ...HANDSHAKE_COMMANDS,
  ...READ_COMMANDS,
  ...WRITE_COMMANDS,
  saslStart,
  saslContinue,
};

const SET_NAME = 'rs0';

/** The databases a fresh mongod already has (so the engine's skipping of them is exercised). */
function seedSystemDatabases(store: MemoryStore): void {
  const time = store.clock.tick();
  const version = encodeReply({ _id: 'featureCompatibilityVersion', version: '7.0' });
  store.create('admin', 'system.version', 'collection', buildDocument([])).append(version, rawOf('featureCompatibilityVersion'), time);
  const startup = encodeReply({ _id: 'fake-mongod-startup', hostname: 'localhost', startTime: new Date() });
  store.create('local', 'startup_log', 'collection', encodeReply({ capped: true, size: 10 * 1024 * 1024 })).append(startup, rawOf('fake-mongod-startup'), time);
  store.create('config', 'system.sessions', 'collection', buildDocument([]));
}

function errorBody(error: unknown): Buffer {
  if (error instanceof CommandError) return encodeReply({ ok: 0, errmsg: error.message, code: error.code, codeName: error.codeName });
  return encodeReply({ ok: 0, errmsg: `fake-mongod internal error: ${(error as Error).message}`, code: 1, codeName: 'InternalError' });
}

/** Append `$clusterTime` and `operationTime`, as a replica set member does on every reply. */
function withClusterTime(body: Buffer, clock: ClusterClock): Buffer {
  const now = toTimestamp(clock.now());
  const extra = encodeReply({ $clusterTime: { clusterTime: now, signature: { hash: new Binary(Buffer.alloc(20)), keyId: Long.fromNumber(0) } }, operationTime: now });
  const slices = (doc: Buffer) => elementsOf(doc).map((e) => doc.subarray(e.start, e.end));
  return documentFromElements([...slices(body), ...slices(extra)]);
}

interface ServerState {
  store: MemoryStore;
  cursors: CursorRegistry;
  clock: ClusterClock;
  settings: ServerSettings;
  connections: Map<Socket, ConnectionInfo>;
}

function runCommand(message: CommandMessage, connection: ConnectionInfo, state: ServerState): Buffer {
  try {
    const first = elementsOf(message.body)[0];
    if (!first) throw new CommandError('BadValue', 'empty command document');
    const name = first.key;
    const cmd = decodePlain(message.body);
    const db = message.kind === 'query' ? message.namespace!.slice(0, -'.$cmd'.length) : cmd.$db;
    if (typeof db !== 'string') throw new CommandError('BadValue', 'OP_MSG requires a $db argument');
    if (state.settings.users.length > 0 && connection.user === undefined && !UNAUTHENTICATED_COMMANDS.has(name)) {
      throw new CommandError('Unauthorized', `Command ${name} requires authentication`);
    }
    const handler = Object.hasOwn(HANDLERS, name) ? HANDLERS[name] : undefined;
    if (!handler) throw unsupported(`command ${name}`);
    for (const sequence of message.sequences.keys()) {
      if (cmd[sequence] !== undefined) throw new CommandError('BadValue', `${sequence} is both in the body and a document sequence`);
    }
    const ctx: CommandContext = {
      name,
      db,
      body: message.body,
      cmd: Object.fromEntries([...Object.entries(cmd), ...[...message.sequences.keys()].map((k) => [k, true])]),
      sequences: message.sequences,
      store: state.store,
      cursors: state.cursors,
      clock: state.clock,
      settings: state.settings,
      connection,
      connections: () => [...state.connections.values()],
    };
    return handler(ctx);
  } catch (error) {
    return errorBody(error);
  }
}

export async function startFakeMongod(options: FakeMongodOptions = {}): Promise<FakeMongod> {
  const clock = new ClusterClock();
  const store = new MemoryStore(clock);
  seedSystemDatabases(store);
  const state: ServerState = {
    store,
    cursors: new CursorRegistry(),
    clock,
    settings: { replicaSet: options.replicaSet === true, setName: SET_NAME, address: '', users: options.users ?? [] },
    connections: new Map(),
  };
  let nextConnectionId = 1;
  const server = createServer((socket) => {
    const connection: ConnectionInfo = { id: nextConnectionId++, client: `${socket.remoteAddress}:${socket.remotePort}` };
    state.connections.set(socket, connection);
    socket.on('close', () => state.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    const reader = new MessageReader();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const raw of reader.push(chunk)) {
          const message = parseMessage(raw);
          let body = runCommand(message, connection, state);
          if (state.settings.replicaSet) body = withClusterTime(body, clock);
          if (message.moreToCome) continue;
          socket.write(message.kind === 'query' ? encodeOpReply(message.header.requestId, body) : encodeOpMsg(message.header.requestId, body));
        }
      } catch (error) {
        // A malformed message: mongod closes the connection.
        process.stderr.write(`fake-mongod: closing a connection: ${(error as Error).message}\n`);
        socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  state.settings.address = `127.0.0.1:${port}`;
  return {
    uri: `mongodb://127.0.0.1:${port}/${state.settings.replicaSet ? `?replicaSet=${SET_NAME}` : ''}`,
    port,
    connectionCount: () => state.connections.size,
    close: async () => {
      for (const socket of state.connections.keys()) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
