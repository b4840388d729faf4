// A throw-away PKI made with the openssl CLI at test time (EC P-256: milliseconds per key), and
// TLS-only redis-servers that use it: `port 0`, `tls-port <random>`, tls-auth-clients yes or no.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RedisTls } from '../../src/generated/policy.js';
import { runCommand } from '../../src/exec/exec.js';
import { freePort } from '../../src/engines/redis/scratch-server.js';
import { startTestRedis, type TestRedis } from './redis-server.js';

export const TLS_BINARIES = ['openssl'];

export interface TestPki {
  dir: string;
  caFile: string;
  /** Server certificate for 127.0.0.1 and localhost, signed by the CA; and its key. */
  serverCert: string;
  serverKey: string;
  /** A server certificate whose validity ended before it began (openssl x509 -days -1), and its key. */
  expiredServerCert: string;
  expiredServerKey: string;
  /** Client certificate (clientAuth) signed by the CA, and its key (whose contents no output may show). */
  clientCert: string;
  clientKey: string;
  /** A second, unrelated CA: trusting it instead of the first is "the wrong CA". */
  otherCaFile: string;
  /** A client certificate signed by the other CA, and its key. */
  strangerCert: string;
  strangerKey: string;
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(dir: string, name: string, cn: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  await runCommand('openssl', ['req', '-x509', ...EC, '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${cn}`]);
  return { cert, key };
}

async function signed(dir: string, ca: { cert: string; key: string }, name: string, cn: string, extensions: string, days = 2): Promise<{ cert: string; key: string }> {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  const cert = join(dir, `${name}.crt`);
  await writeFile(ext, extensions);
  await runCommand('openssl', ['req', ...EC, '-keyout', key, '-out', csr, '-subj', `/CN=${cn}`]);
  await runCommand('openssl', ['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', String(Date.now()), '-out', cert, '-days', String(days), '-extfile', ext]);
  return { cert, key };
}

/** A CA, a server certificate (SAN 127.0.0.1, localhost), client certificates, an expired one and a foreign CA. */
export async function makeTestPki(dir: string): Promise<TestPki> {
  const ca = await makeCa(dir, 'ca', 'Strata test CA');
  const other = await makeCa(dir, 'other-ca', 'Some other CA');
  const serverExt = 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n';
  const server = await signed(dir, ca, 'server', 'localhost', serverExt);
  const expired = await signed(dir, ca, 'expired', 'localhost', serverExt, -1);
  const client = await signed(dir, ca, 'client', 'strata-backup', 'extendedKeyUsage=clientAuth\n');
  const stranger = await signed(dir, other, 'stranger', 'strata-backup', 'extendedKeyUsage=clientAuth\n');
  return {
    dir,
    caFile: ca.cert,
    serverCert: server.cert,
    serverKey: server.key,
    expiredServerCert: expired.cert,
    expiredServerKey: expired.key,
    clientCert: client.cert,
    clientKey: client.key,
    otherCaFile: other.cert,
    strangerCert: stranger.cert,
    strangerKey: stranger.key,
  };
}

/** The policy's `tls:` for a client of the PKI's servers, with or without a client certificate. */
export function clientTls(pki: TestPki, withCert: boolean): RedisTls {
  return { ca_file: pki.caFile, ...(withCert ? { cert_file: pki.clientCert, key_file: pki.clientKey } : {}) };
}

export interface TlsRedisOptions {
  authClients: boolean;
  password?: string;
  config?: string[];
}

/** A TLS-only redis-server (no plain port); its `url` is rediss://, `client()` speaks TLS too. */
export async function startTlsRedis(pki: TestPki, options: TlsRedisOptions): Promise<TestRedis> {
  return startTestRedis({
    password: options.password,
    config: options.config,
    tls: {
      certFile: pki.serverCert,
      keyFile: pki.serverKey,
      caFile: pki.caFile,
      authClients: options.authClients,
      client: clientTls(pki, true),
    },
  });
}

/**
 * A server whose TLS port serves the expired certificate. Strata's readiness probe verifies certificates
 * (it has no way not to), so this one keeps its plain port for the probe and adds a tls-port.
 */
export async function startExpiredTlsRedis(pki: TestPki): Promise<{ server: TestRedis; tlsPort: number }> {
  const tlsPort = await freePort();
  const server = await startTestRedis({
    config: [`tls-port ${tlsPort}`, `tls-cert-file ${pki.expiredServerCert}`, `tls-key-file ${pki.expiredServerKey}`, `tls-ca-cert-file ${pki.caFile}`, 'tls-auth-clients no'],
  });
  return { server, tlsPort };
}
