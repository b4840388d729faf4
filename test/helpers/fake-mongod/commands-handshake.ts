// Handshake and housekeeping: hello / isMaster in a standalone's or a replica set primary's shape
// (MongoDB 7.0: maxWireVersion 21, sessions with a 30-minute timeout), ping, buildInfo, endSessions.
// No `topologyVersion` is reported, so the driver monitors by polling instead of streaming hello with
// exhaust replies (moreToCome), which the fake does not implement.
import { Int32, Long, ObjectId } from 'mongodb';
import type { Handler } from './command-context.js';
import { toTimestamp } from './cluster-clock.js';
import { encodeReply } from './raw-bson.js';

export const MAX_WIRE_VERSION = 21;
const ELECTION_ID = new ObjectId('7fffffff0000000000000001');

const hello: Handler = (ctx) => {
  const application = (ctx.cmd.client as { application?: { name?: unknown } } | undefined)?.application?.name;
  if (typeof application === 'string') ctx.connection.appName = application;
  const legacy = ctx.name !== 'hello';
  const { settings } = ctx;
  const now = ctx.clock.now();
  const reply: Record<string, unknown> = legacy ? { ismaster: true } : { isWritablePrimary: true };
  if (ctx.cmd.helloOk === true) reply.helloOk = true;
  if (settings.replicaSet) {
    Object.assign(reply, {
      hosts: [settings.address],
      setName: settings.setName,
      setVersion: new Int32(1),
      secondary: false,
      primary: settings.address,
      me: settings.address,
      electionId: ELECTION_ID,
      lastWrite: { opTime: { ts: toTimestamp(now), t: Long.fromNumber(1) }, lastWriteDate: new Date(), majorityOpTime: { ts: toTimestamp(now), t: Long.fromNumber(1) }, majorityWriteDate: new Date() },
    });
  }
  Object.assign(reply, {
    maxBsonObjectSize: new Int32(16 * 1024 * 1024),
    maxMessageSizeBytes: new Int32(48_000_000),
    maxWriteBatchSize: new Int32(100_000),
    localTime: new Date(),
    logicalSessionTimeoutMinutes: new Int32(30),
    connectionId: new Int32(ctx.connection.id),
    minWireVersion: new Int32(0),
    maxWireVersion: new Int32(MAX_WIRE_VERSION),
    readOnly: false,
  });
  const mechs = ctx.cmd.saslSupportedMechs as unknown;
  if (typeof mechs === 'string' && settings.users.some((u) => `admin.${u.user}` === mechs)) reply.saslSupportedMechs = ['SCRAM-SHA-256'];
  return encodeReply({ ...reply, ok: 1 });
};

const ping: Handler = () => encodeReply({ ok: 1 });

const buildInfo: Handler = () =>
  encodeReply({ version: '7.0.0-fake', versionArray: [new Int32(7), new Int32(0), new Int32(0), new Int32(0)], maxBsonObjectSize: new Int32(16 * 1024 * 1024), ok: 1 });

/** Sessions carry no server state in the fake: ending them is always fine. */
const endSessions: Handler = () => encodeReply({ ok: 1 });

export const HANDSHAKE_COMMANDS: Record<string, Handler> = { hello, isMaster: hello, ismaster: hello, ping, buildInfo, buildinfo: buildInfo, endSessions };

/** Commands a client may run before it has authenticated. */
export const UNAUTHENTICATED_COMMANDS = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'buildInfo', 'buildinfo', 'saslStart', 'saslContinue', 'endSessions']);
