// `$currentOp` (admin, collection-less aggregate) listing the fake's client connections with the fields
// tests filter on: connectionId, client, appName, active. With idleConnections: true every open
// connection is listed, else only the one running the command (the only active one: the fake runs one
// command at a time).
import { decodeValue, encodeReply, type RawValue } from './raw-bson.js';
import type { CommandContext } from './command-context.js';
import { unsupported } from './command-error.js';

export function currentOp(ctx: CommandContext, spec: RawValue): Buffer[] {
  const options = (decodeValue(spec) ?? {}) as Record<string, unknown>;
  for (const key of Object.keys(options)) {
    if (key !== 'allUsers' && key !== 'idleConnections') throw unsupported(`$currentOp option ${key}`);
  }
  const listed = options.idleConnections === true ? ctx.connections() : [ctx.connection];
  return listed.map((c) =>
    encodeReply({
      type: 'op',
      active: c === ctx.connection,
      connectionId: c.id,
      client: c.client,
      ...(c.appName === undefined ? {} : { appName: c.appName }),
    }),
  );
}
