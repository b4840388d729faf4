// The pure parts of Redis over TLS: which endpoint gets which tls settings (sources, restore targets on the
// source's host or elsewhere), relative tls paths resolved against the policy file, and the messages for
// the OpenSSL codes the real-server tests cannot all provoke (a self-signed leaf, a missing issuer).
// The real handshakes are in test/integration/engines/redis/tls.test.ts.
import { describe, expect, it } from 'vitest';
import type { RedisSource } from '../../../../src/generated/policy.js';
import { parseRedisUrl, restoreTargetEndpoint, sourceEndpoint } from '../../../../src/engines/redis/redis-url.js';
import { describeTlsError } from '../../../../src/engines/redis/tls-errors.js';
import { loadPolicyText } from '../../../../src/policy/load-policies.js';

const TLS = { ca_file: '/etc/strata/ca.pem', cert_file: '/etc/strata/client.crt', key_file: '/etc/strata/client.key' };
const source: RedisSource = { type: 'redis', url: '${env:CACHE_URL}', tls: TLS };
const resolve = () => 'rediss://:pw@cache.internal:6380';

function tlsError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('tls settings of endpoints', () => {
  it('a source carries its tls settings and its name; tls on a resolved redis:// url is refused', () => {
    expect(sourceEndpoint('cache', source, resolve)).toMatchObject({ tls: true, host: 'cache.internal', source: 'cache', tlsSettings: TLS });
    expect(() => sourceEndpoint('cache', source, () => 'redis://cache.internal:6379')).toThrow(
      'redis source "cache" sets tls, but its url is redis:// (plain TCP): use a rediss:// url, or remove tls',
    );
  });

  it("a rediss:// restore target on the source's host uses the source's settings; elsewhere only the system CAs", () => {
    const request = { name: 'cache', source, resolveSecret: resolve };
    expect(restoreTargetEndpoint('rediss://CACHE.internal:7000', request)).toMatchObject({ port: 7000, source: 'cache', tlsSettings: TLS });
    const elsewhere = restoreTargetEndpoint('rediss://fresh.internal:6380', request);
    expect(elsewhere.source).toBeUndefined();
    expect(elsewhere.tlsSettings).toBeUndefined();
    // Plain targets never get tls settings, and an unresolvable source url leaves the target alone.
    expect(restoreTargetEndpoint('redis://cache.internal:6379', request).tlsSettings).toBeUndefined();
    const unresolvable = { ...request, resolveSecret: () => { throw new Error('CACHE_URL is not set'); } };
    expect(restoreTargetEndpoint('rediss://cache.internal:6380', unresolvable).tlsSettings).toBeUndefined();
  });

  it('relative tls paths are relative to the policy file', () => {
    const { policy, diagnostics } = loadPolicyText(
      '/srv/repo/policies/cache.yaml',
      `version: 1
system: cachey
sources:
  cache:
    type: redis
    url: "rediss://cache.internal:6380"
    tls: { ca_file: ../pki/ca.pem, cert_file: /abs/client.crt, key_file: client.key, server_name: cache.example.com }
tiers:
  hot: { storage: { type: local, path: /var/backups/strata } }
  far: { storage: { type: local, path: /mnt/nas }, offsite: true }
categories:
  sessions:
    rpo: 1d
    rto: 1h
    data: [ { source: cache } ]
    schedule: { full: "0 3 * * *" }
    copies: [ { tier: hot, keep: { daily: 7 } }, { tier: far, keep: { weekly: 4 } } ]
`,
    );
    expect(diagnostics).toEqual([]);
    expect(policy!.sources.cache).toMatchObject({
      tls: { ca_file: '/srv/repo/pki/ca.pem', cert_file: '/abs/client.crt', key_file: '/srv/repo/policies/client.key', server_name: 'cache.example.com' },
    });
  });
});

describe('describeTlsError', () => {
  const withSettings = sourceEndpoint('cache', source, resolve);
  const bareSource = sourceEndpoint('cache', { type: 'redis', url: 'rediss://cache.internal:6380' }, resolve);
  const target = parseRedisUrl('rediss://fresh.internal:6380');

  it('says what the certificate was checked against and what to set', () => {
    expect(describeTlsError(tlsError('DEPTH_ZERO_SELF_SIGNED_CERT'), bareSource)).toBe(
      `TLS: the server's certificate is self-signed and not in the system CAs: set tls.ca_file of redis source "cache" to the PEM file of the CA that signed the server's certificate`,
    );
    expect(describeTlsError(tlsError('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), withSettings)).toMatch(
      /^TLS: the server's certificate is not signed by a CA in tls\.ca_file "\/etc\/strata\/ca\.pem" \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\): point tls\.ca_file of redis source "cache"/,
    );
    // A restore target elsewhere has no settings of its own: NODE_EXTRA_CA_CERTS is the way.
    expect(describeTlsError(tlsError('SELF_SIGNED_CERT_IN_CHAIN'), target)).toMatch(/set NODE_EXTRA_CA_CERTS to the PEM file .* only on that source's host/);
    expect(describeTlsError(tlsError('CERT_NOT_YET_VALID'), target)).toMatch(/not valid yet: check the clocks/);
  });

  it('explains a refused or missing client certificate, a plain port, and leaves non-TLS errors alone', () => {
    expect(describeTlsError(tlsError('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), bareSource)).toMatch(/may require a client certificate .*set tls\.cert_file and tls\.key_file of redis source "cache"/);
    expect(describeTlsError(tlsError('ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE'), withSettings)).toMatch(/refused the client certificate tls\.cert_file "\/etc\/strata\/client\.crt"/);
    expect(describeTlsError(tlsError('ECONNRESET'), target)).toMatch(/during the TLS handshake: .*gets only from the tls settings of a source on the same host/);
    // A reset after the server has replied is a broken transfer, not a handshake problem.
    expect(describeTlsError(tlsError('ECONNRESET'), target, false)).toBeUndefined();
    expect(describeTlsError(tlsError('ERR_SSL_WRONG_VERSION_NUMBER'), bareSource)).toMatch(/does not speak TLS on this port/);
    expect(describeTlsError(tlsError('ECONNREFUSED'), bareSource)).toBeUndefined();
    expect(describeTlsError(tlsError('DEPTH_ZERO_SELF_SIGNED_CERT'), parseRedisUrl('redis://db:6379'))).toBeUndefined();
  });
});
