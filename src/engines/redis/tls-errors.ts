// Plain words for TLS failures on a rediss:// connection: what failed and what to set. node:tls reports
// certificate problems as OpenSSL codes (DEPTH_ZERO_SELF_SIGNED_CERT …) and a refused client certificate
// as an alert from the server, which under TLS 1.3 arrives after the handshake, on the first read.
// Strata never offers to skip verification: every way out is a setting or a fix on the server.
import type { RedisEndpoint } from './redis-url.js';
import { settingsOwner } from './tls-options.js';

const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);

/** The server rejected our client certificate (or its absence), in the alert it sent. */
const CLIENT_CERT_REFUSED = /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNSUPPORTED_CERTIFICATE|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|DECRYPT_ERROR|ACCESS_DENIED)$/;

/** What the server's certificate was checked against, and how to trust the right CA. */
function trustFix(endpoint: RedisEndpoint): { against: string; fix: string } {
  const caFile = endpoint.tlsSettings?.ca_file;
  if (caFile) {
    return {
      against: `tls.ca_file ${JSON.stringify(caFile)}`,
      fix: `point tls.ca_file of ${settingsOwner(endpoint)} at the PEM file of the CA that signed the server's certificate`,
    };
  }
  if (endpoint.source) {
    return {
      against: 'the system CAs',
      fix: `set tls.ca_file of redis source "${endpoint.source}" to the PEM file of the CA that signed the server's certificate`,
    };
  }
  return {
    against: 'the system CAs',
    fix: "set NODE_EXTRA_CA_CERTS to the PEM file of the CA that signed the server's certificate (a rediss:// restore target uses a source's tls settings only on that source's host)",
  };
}

function clientCertHint(endpoint: RedisEndpoint): string {
  if (endpoint.tlsSettings?.cert_file) {
    return `the server refused the client certificate tls.cert_file ${JSON.stringify(endpoint.tlsSettings.cert_file)}: it must be signed by a CA the server trusts (its tls-ca-cert-file) and be valid`;
  }
  if (endpoint.source) return `the server may require a client certificate (tls-auth-clients yes): set tls.cert_file and tls.key_file of ${settingsOwner(endpoint)}`;
  return "the server may require a client certificate (tls-auth-clients yes), which a rediss:// restore target gets only from the tls settings of a source on the same host";
}

/**
 * A message for a TLS-level failure, or undefined when the error is not one. `beforeReply`: nothing was
 * received yet, so a reset belongs to the handshake (under TLS 1.3 a refused client certificate shows up
 * just after it), not to a transfer that broke off.
 */
export function describeTlsError(error: Error, endpoint: RedisEndpoint, beforeReply = true): string | undefined {
  if (!endpoint.tls) return undefined;
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    const { against, fix } = trustFix(endpoint);
    return `TLS: the server's certificate is self-signed and not in ${against}: ${fix}`;
  }
  if (UNTRUSTED.has(code)) {
    const { against, fix } = trustFix(endpoint);
    return `TLS: the server's certificate is not signed by a CA in ${against} (${code}): ${fix}`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // node's reason lists the names the certificate holds: exactly what the fix needs.
    const reason = error.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '');
    const serverName = endpoint.source ? `, or set tls.server_name of ${settingsOwner(endpoint)} to one of them` : '';
    return `TLS: the server's certificate does not name the host Strata connected to (${reason}): connect with a name the certificate lists${serverName}`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `TLS: the server's certificate has expired: renew it on the server (tls-cert-file)`;
  if (code === 'CERT_NOT_YET_VALID') return `TLS: the server's certificate is not valid yet: check the clocks of this host and of the server`;
  if (code === 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' || (code === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' && !endpoint.tlsSettings?.cert_file)) {
    return `TLS: ${clientCertHint(endpoint)}`;
  }
  if (CLIENT_CERT_REFUSED.test(code)) return `TLS: ${clientCertHint(endpoint)} (${code})`;
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG') {
    return 'TLS: the server does not speak TLS on this port: use a redis:// url, or the port of its tls-port';
  }
  if ((code === 'ECONNRESET' && beforeReply) || /socket disconnected before secure TLS connection/i.test(error.message)) {
    return `the server closed the connection during the TLS handshake: ${clientCertHint(endpoint)}`;
  }
  if (/^ERR_SSL_|^ERR_TLS_|^ERR_OSSL_/.test(code)) return `TLS: ${error.message} (${code})`;
  return undefined;
}

/** Why a connection may close before the server said anything, for the message that reports it. */
export function silentCloseHint(endpoint: RedisEndpoint): string {
  return endpoint.tls ? clientCertHint(endpoint) : 'if the server serves TLS on this port, use a rediss:// url';
}
