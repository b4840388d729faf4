// Where a Redis source lives, parsed from its (secret-bearing) URL. Everything that reaches a message
// names the endpoint by `label` (host:port); the password stays in `password` and `secrets`.
import type { RedisSource, RedisTls, Source } from '../../generated/policy.js';
import { redactSecrets } from '../../exec/exec.js';

export interface RedisEndpoint {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  /** Database number from the URL path (redis://host/3), if any. */
  db?: number;
  /** host:port, safe to print. */
  label: string;
  /** Values that must never be printed: the password and the resolved URL. */
  secrets: string[];
  /** rediss:// only: the policy's TLS files and SNI name (see tls-options.ts). */
  tlsSettings?: RedisTls;
  /** The policy source this endpoint is (or whose tls settings it uses), for messages that say what to set. */
  source?: string;
}

const DEFAULT_PORT = 6379;

/** Parse a resolved redis:// or rediss:// URL. Errors never quote the URL (it may hold a password). */
export function parseRedisUrl(url: string, what = 'redis URL'): RedisEndpoint {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`${what} is not a valid URL (expected redis://[user:password@]host[:port][/db])`);
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'redis' && scheme !== 'rediss') {
    throw new Error(`${what} must start with redis:// or rediss://, not ${scheme}://`);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new Error(`${what} has no host`);
  const port = parsed.port === '' ? DEFAULT_PORT : Number(parsed.port);
  const path = parsed.pathname.replace(/^\/+|\/+$/g, '');
  let db: number | undefined;
  if (path !== '') {
    if (!/^\d+$/.test(path)) throw new Error(`${what}: the path must be a database number (e.g. /0), not "/${path}"`);
    db = Number(path);
  }
  const username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  const label = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const secrets = [url, ...(password ? [password, parsed.password] : [])];
  return { host, port, tls: scheme === 'rediss', username, password, db, label, secrets };
}

/** The endpoint of a Redis source, resolving `${env:…}` / `${file:…}` references in its URL. */
export function sourceEndpoint(name: string, source: RedisSource, resolveSecret: (value: string) => string): RedisEndpoint {
  if (typeof source.url !== 'string' || source.url === '') {
    throw new Error(`redis source "${name}" has no url`);
  }
  const url = source.url.includes('${') ? resolveSecret(source.url) : source.url;
  const endpoint = parseRedisUrl(url, `redis source "${name}": url`);
  if (source.tls && !endpoint.tls) {
    // validate catches a literal redis:// url; one from a reference is only known here.
    throw new Error(`redis source "${name}" sets tls, but its url is redis:// (plain TCP): use a rediss:// url, or remove tls`);
  }
  return { ...endpoint, source: name, ...(source.tls ? { tlsSettings: source.tls } : {}) };
}

/**
 * The endpoint of a restore target URL. A rediss:// target on the source's own host (the in-place
 * restore, or another port of the same server) uses the source's tls settings; any other rediss://
 * target is verified against the system CAs, which NODE_EXTRA_CA_CERTS extends. One simple rule, no
 * per-target settings: a target elsewhere is usually a fresh server with a certificate from a CA the
 * host already trusts.
 */
export function restoreTargetEndpoint(target: string, request: { name: string; source: Source; resolveSecret: (value: string) => string }): RedisEndpoint {
  const endpoint = parseRedisUrl(target, 'restore target');
  const { source } = request;
  if (!endpoint.tls || source.type !== 'redis') return endpoint;
  let sourceHost: string | undefined;
  try {
    sourceHost = sourceEndpoint(request.name, source, request.resolveSecret).host;
  } catch {
    // The source's url cannot be resolved here (its variable is unset): the target stands alone.
    return endpoint;
  }
  if (sourceHost.toLowerCase() !== endpoint.host.toLowerCase()) return endpoint;
  return { ...endpoint, source: request.name, ...(source.tls ? { tlsSettings: source.tls } : {}) };
}

/** An error whose text names the endpoint and never carries a secret. */
export function endpointError(endpoint: RedisEndpoint, message: string, cause?: unknown): Error {
  return new Error(redactSecrets(`redis at ${endpoint.label}: ${message}`, endpoint.secrets), cause === undefined ? undefined : { cause: scrubCause(cause, endpoint) });
}

/** Causes are kept for debugging, but their messages are redacted too (they may be printed with the error). */
function scrubCause(cause: unknown, endpoint: RedisEndpoint): unknown {
  if (cause instanceof Error) {
    const copy = new Error(redactSecrets(cause.message, endpoint.secrets));
    copy.name = cause.name;
    return copy;
  }
  return undefined;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
