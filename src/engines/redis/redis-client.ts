// ioredis clients for logical backups, restores and settings, built from a parsed endpoint (never
// from the URL string), failing fast instead of reconnecting forever, with secret-free errors.
import { Redis } from 'ioredis';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

export interface ClientOptions {
  db?: number;
  connectTimeoutMs?: number;
  /** Per-command timeout; 0 for none (long pipelines). */
  commandTimeoutMs?: number;
}

/** Connect and authenticate; rejects with an error naming host:port (never the password). */
export async function connectClient(endpoint: RedisEndpoint, options: ClientOptions = {}): Promise<Redis> {
  const client = new Redis({
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.username,
    password: endpoint.password,
    db: options.db ?? 0,
    tls: endpoint.tls ? { servername: /^[\d.]+$|:/.test(endpoint.host) ? undefined : endpoint.host } : undefined,
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 10_000,
    commandTimeout: options.commandTimeoutMs || undefined,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: true,
    disableClientInfo: true,
    showFriendlyErrorStack: false,
  });
  // ioredis reports connection errors as events too: without a listener they are printed to stderr.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw endpointError(endpoint, `cannot connect: ${describeClientError(error)}`, error);
  }
  return client;
}

export function describeClientError(error: unknown): string {
  const message = messageOf(error);
  if (/ECONNREFUSED/.test(message)) return 'connection refused (is the server running and listening on this port?)';
  if (/WRONGPASS|invalid password|invalid username-password/i.test(message)) return 'authentication failed (wrong user name or password)';
  if (/NOAUTH/.test(message)) return 'the server requires a password, and the URL has none';
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'the host name does not resolve';
  if (/ETIMEDOUT|timed out/i.test(message)) return 'the connection timed out';
  return message;
}

/** Close politely, without waiting on a dead link. */
export async function closeClient(client: Redis): Promise<void> {
  try {
    if (client.status === 'ready') await Promise.race([client.quit(), new Promise((r) => setTimeout(r, 1000))]);
  } catch {
    // already gone
  }
  client.disconnect();
}

/** Run `fn` with a connected client and always close it. Errors from `fn` are reworded to name the endpoint. */
export async function withClient<T>(endpoint: RedisEndpoint, options: ClientOptions, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = await connectClient(endpoint, options);
  try {
    return await fn(client);
  } finally {
    await closeClient(client);
  }
}
