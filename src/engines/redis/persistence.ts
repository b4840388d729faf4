// Redis persistence settings (seed 004: `save` rules, `appendonly`, `appendfsync`) as a planned
// resource: the desired values from the policy, the diff with CONFIG GET, and CONFIG SET (+ CONFIG
// REWRITE when the server has a config file) to apply it. The pure parts feed `plan`; the I/O parts
// are for observe and apply.
import type { RedisSource } from '../../generated/policy.js';
import { RespClient } from './resp-client.js';
import { RespError } from './resp-reply.js';
import { endpointError, sourceEndpoint, type RedisEndpoint } from './redis-url.js';

export const PERSISTENCE_KEYS = ['save', 'appendonly', 'appendfsync'] as const;

export interface PersistenceChange {
  key: string;
  from: string;
  to: string;
}

/** `save` rules as CONFIG GET returns them: pairs separated by single spaces; "" disables RDB snapshots. */
export function normaliseSave(save: string): string {
  return save.trim().split(/\s+/).filter(Boolean).join(' ');
}

/** The settings the policy manages, normalised exactly as CONFIG GET returns them; omitted keys are not managed. */
export function desiredPersistence(source: RedisSource): Record<string, string> {
  const wanted = source.persistence;
  const desired: Record<string, string> = {};
  if (!wanted) return desired;
  if (wanted.save !== undefined) desired.save = normaliseSave(wanted.save);
  if (wanted.appendonly !== undefined) desired.appendonly = wanted.appendonly ? 'yes' : 'no';
  if (wanted.appendfsync !== undefined) desired.appendfsync = wanted.appendfsync;
  return desired;
}

/** What must change, in a stable order; a setting the server did not report shows as "(unknown)". */
export function diffPersistence(desired: Record<string, string>, actual: Record<string, string>): PersistenceChange[] {
  const changes: PersistenceChange[] = [];
  for (const key of Object.keys(desired).sort()) {
    const to = desired[key]!;
    const raw = actual[key];
    const from = raw === undefined ? undefined : key === 'save' ? normaliseSave(raw) : raw;
    if (from !== to) changes.push({ key, from: from ?? '(unknown)', to });
  }
  return changes;
}

function refused(endpoint: RedisEndpoint, command: string, message: string): Error {
  const disabled = /unknown command|NOPERM|no permissions|not allowed|disabled|protected config/i.test(message);
  const advice = disabled
    ? "CONFIG is disabled or renamed on this server (usual on managed Redis): set persistence in the provider's settings instead, and remove `persistence:` from this source in the policy"
    : 'check the value and the server log';
  return endpointError(endpoint, `the server refused ${command} (${message}): ${advice}`);
}

async function withConnection<T>(endpoint: RedisEndpoint, fn: (client: RespClient) => Promise<T>): Promise<T> {
  const client = await RespClient.connect(endpoint, { connectTimeoutMs: 5000, idleTimeoutMs: 30_000 });
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** CONFIG GET of the persistence settings. */
export async function readPersistence(source: RedisSource, resolveSecret: (value: string) => string, name = 'redis'): Promise<Record<string, string>> {
  const endpoint = sourceEndpoint(name, source, resolveSecret);
  return withConnection(endpoint, async (client) => {
    const actual: Record<string, string> = {};
    for (const key of PERSISTENCE_KEYS) {
      const reply = await client.call(['CONFIG', 'GET', key]);
      if (reply instanceof RespError) throw refused(endpoint, `CONFIG GET ${key}`, reply.message);
      const value = Array.isArray(reply) ? reply[1] : undefined;
      if (Buffer.isBuffer(value)) actual[key] = value.toString('utf8');
    }
    return actual;
  });
}

/**
 * CONFIG SET each change, then CONFIG REWRITE so the change survives a restart. A server started
 * without a config file cannot rewrite: that is reported in `notes` (the change holds until restart).
 */
export async function applyPersistence(
  source: RedisSource,
  resolveSecret: (value: string) => string,
  changes: readonly PersistenceChange[],
  name = 'redis',
): Promise<{ rewritten: boolean; notes: string[] }> {
  const endpoint = sourceEndpoint(name, source, resolveSecret);
  if (changes.length === 0) return { rewritten: false, notes: [] };
  return withConnection(endpoint, async (client) => {
    for (const change of changes) {
      const reply = await client.call(['CONFIG', 'SET', change.key, change.to]);
      if (reply instanceof RespError) throw refused(endpoint, `CONFIG SET ${change.key} ${JSON.stringify(change.to)}`, reply.message);
    }
    const rewrite = await client.call(['CONFIG', 'REWRITE']);
    if (!(rewrite instanceof RespError)) return { rewritten: true, notes: [] };
    if (/without a config file/i.test(rewrite.message)) {
      const lines = changes.map((c) => `${c.key} ${c.to === '' ? '""' : c.to}`).join(', ');
      return {
        rewritten: false,
        notes: [`redis at ${endpoint.label} runs without a config file: the new settings hold until it restarts; put ${lines} in its redis.conf to keep them`],
      };
    }
    throw refused(endpoint, 'CONFIG REWRITE', rewrite.message);
  });
}
