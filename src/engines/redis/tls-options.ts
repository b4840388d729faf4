// The node:tls options of a rediss:// endpoint. The policy names files (tls.ca_file, cert_file, key_file);
// they are read at each connection, so a renewed certificate is used by the next run without anything
// else changing. A file that cannot be read or parsed is an error naming the setting, the path and the
// source; the key's contents are never put in a message.
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { createSecureContext, type ConnectionOptions } from 'node:tls';
import type { RedisTls } from '../../generated/policy.js';
import { endpointError, messageOf, type RedisEndpoint } from './redis-url.js';

type FileKey = 'ca_file' | 'cert_file' | 'key_file';

/** Whose tls settings these are: `redis source "cache"` (a bare restore target has none of its own). */
export function settingsOwner(endpoint: RedisEndpoint): string {
  return endpoint.source ? `redis source "${endpoint.source}"` : 'the restore target';
}

function unreadable(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (Strata runs as ${currentUser()})`;
  if (code === 'EISDIR') return 'it is a directory, not a file';
  return messageOf(error);
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? '?'}`;
  }
}

async function readSetting(endpoint: RedisEndpoint, tls: RedisTls, key: FileKey): Promise<Buffer | undefined> {
  const path = tls[key];
  if (path === undefined) return undefined;
  try {
    return await readFile(path);
  } catch (error) {
    throw endpointError(endpoint, `cannot read tls.${key} ${JSON.stringify(path)} of ${settingsOwner(endpoint)}: ${unreadable(error)}`);
  }
}

/** node:tls accepts any bytes as a CA bundle and then trusts nothing: say so before connecting. */
function checkCaBundle(endpoint: RedisEndpoint, path: string, ca: Buffer): void {
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) {
    throw endpointError(endpoint, `tls.ca_file ${JSON.stringify(path)} of ${settingsOwner(endpoint)} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
}

/** Build the client certificate context now, so a bad pair is reported as such, not as a handshake failure. */
function checkClientPair(endpoint: RedisEndpoint, tls: RedisTls, cert: Buffer, key: Buffer): void {
  try {
    createSecureContext({ cert, key });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const owner = settingsOwner(endpoint);
    const files = `tls.cert_file ${JSON.stringify(tls.cert_file)} and tls.key_file ${JSON.stringify(tls.key_file)}`;
    if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') throw endpointError(endpoint, `${files} of ${owner} do not match: the key is not the certificate's`);
    if (/PEM_NO_START_LINE/.test(code) && !cert.includes('-----BEGIN')) throw endpointError(endpoint, `tls.cert_file ${JSON.stringify(tls.cert_file)} of ${owner} is not a PEM certificate`);
    // OpenSSL's message names the failing routine, never the key material.
    throw endpointError(endpoint, `${files} of ${owner} are not a usable PEM certificate and unencrypted private key (${(error as Error).message})`);
  }
}

/** The options for tls.connect: the policy's CA (instead of the system CAs), client certificate and SNI name. */
export async function tlsConnectOptions(endpoint: RedisEndpoint): Promise<ConnectionOptions> {
  const tls = endpoint.tlsSettings ?? {};
  const [ca, cert, key] = await Promise.all((['ca_file', 'cert_file', 'key_file'] as const).map((k) => readSetting(endpoint, tls, k)));
  if (ca && tls.ca_file) checkCaBundle(endpoint, tls.ca_file, ca);
  if (Boolean(cert) !== Boolean(key)) {
    throw endpointError(endpoint, `${settingsOwner(endpoint)} sets only one of tls.cert_file and tls.key_file: a client certificate needs both`);
  }
  if (cert && key) checkClientPair(endpoint, tls, cert, key);
  const servername = tls.server_name ?? (isIpAddress(endpoint.host) ? undefined : endpoint.host);
  return {
    host: endpoint.host,
    port: endpoint.port,
    ...(servername ? { servername } : {}),
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
  };
}

/** SNI carries host names only; an IP address is verified against the certificate's IP entries. */
export function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}
