// What a command handler of the fake mongod sees: the raw command and its plain decoding, its document
// sequences, the server's state and the connection it came on. Also the checks every handler shares:
// unknown fields, readConcern, and snapshot reads (a replica set serves them; a standalone refuses them
// with mongod 7's own error).
import type { Document } from 'mongodb';
import type { ClusterClock } from './cluster-clock.js';
import { CommandError, unsupported } from './command-error.js';
import type { CursorRegistry } from './cursors.js';
import type { MemoryStore } from './memory-store.js';
import { getField, T } from './raw-bson.js';

export interface FakeUser {
  user: string;
  password: string;
}

export interface ServerSettings {
  replicaSet: boolean;
  setName: string;
  /** host:port the server calls itself (hello's `me`, `hosts`, `primary`). */
  address: string;
  users: FakeUser[];
}

export interface ConnectionInfo {
  id: number;
  client: string;
  appName?: string;
  /** The authenticated user, when the server has users. */
  user?: string;
  /** A SCRAM conversation in progress. */
  scram?: unknown;
}

export interface CommandContext {
  name: string;
  db: string;
  body: Buffer;
  cmd: Document;
  sequences: Map<string, Buffer[]>;
  store: MemoryStore;
  cursors: CursorRegistry;
  clock: ClusterClock;
  settings: ServerSettings;
  connection: ConnectionInfo;
  connections: () => ConnectionInfo[];
}

export type Handler = (ctx: CommandContext) => Buffer;

/** Fields every command may carry (session, cluster time gossip, read preference, concerns, API version). */
const GENERIC_FIELDS = new Set([
  '$db',
  'lsid',
  '$clusterTime',
  '$readPreference',
  'readConcern',
  'writeConcern',
  'comment',
  'maxTimeMS',
  'txnNumber',
  'apiVersion',
  'apiStrict',
  'apiDeprecationErrors',
]);

/** Refuse fields the fake does not implement: an option it ignored silently could hide a bug. */
export function checkFields(ctx: CommandContext, allowed: readonly string[]): void {
  for (const key of Object.keys(ctx.cmd)) {
    if (key === ctx.name || GENERIC_FIELDS.has(key) || allowed.includes(key)) continue;
    throw unsupported(`${ctx.name} field '${key}'`);
  }
}

/** Commands mongod accepts readConcern level "snapshot" on (outside transactions). */
const SNAPSHOT_COMMANDS = new Set(['find', 'aggregate', 'distinct', 'getMore', 'killCursors']);

/**
 * The cluster time a read must see: undefined for ordinary reads (the latest data), the snapshot's time
 * for readConcern level "snapshot" (its atClusterTime, or now when the client leaves it to the server).
 */
export function snapshotTime(ctx: CommandContext): bigint | undefined {
  const readConcern = getField(ctx.body, 'readConcern');
  if (!readConcern || readConcern.type !== T.object) return undefined;
  const level = ctx.cmd.readConcern?.level as unknown;
  if (level !== 'snapshot') return undefined;
  if (!SNAPSHOT_COMMANDS.has(ctx.name)) {
    throw new CommandError(
      'InvalidOptions',
      `Command ${ctx.name} does not support { readConcern: { level: "snapshot", provenance: "clientSupplied" } } :: caused by :: read concern not supported`,
    );
  }
  if (!ctx.settings.replicaSet) throw new CommandError('NotAReplicaSet', 'node needs to be a replica set member to use readConcern: snapshot');
  const at = getField(readConcern.bytes, 'atClusterTime');
  if (at === undefined) return ctx.clock.now();
  if (at.type !== T.timestamp) throw new CommandError('BadValue', 'readConcern.atClusterTime must be a timestamp');
  const time = at.bytes.readBigUInt64LE(0);
  if (time > ctx.clock.now()) throw new CommandError('BadValue', 'readConcern atClusterTime value must not be greater than the current clusterTime');
  return time;
}

/** Reject readConcern levels the fake cannot honour (it has one node: local/majority/available are all the same data). */
export function checkReadConcern(ctx: CommandContext): void {
  const level = ctx.cmd.readConcern?.level as unknown;
  if (level === undefined || level === 'local' || level === 'majority' || level === 'available' || level === 'snapshot') return;
  throw unsupported(`readConcern level ${String(level)}`);
}

export function collectionName(ctx: CommandContext): string {
  const name = ctx.cmd[ctx.name] as unknown;
  if (typeof name !== 'string') throw new CommandError('BadValue', `collection name has invalid type ${typeof name}`);
  return name;
}
