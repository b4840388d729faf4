// A Redis source with `tls:` in a runbook: the manual redis-cli command carries --tls, the CA, the client
// certificate and key paths (never their contents) and the SNI name; the restore notes say which TLS
// settings a --to rediss:// target gets. Sources without tls render as before (the snapshots hold that).
import { describe, expect, it } from 'vitest';
import type { RedisSource } from '../../../src/generated/policy.js';
import { renderRunbooks } from '../../../src/render/render-runbooks.js';
import { makeCategory, makePolicy } from './fixtures.js';

function sessionsPage(cache: RedisSource): string {
  const policy = makePolicy({
    sources: { cache },
    categories: [makeCategory({ name: 'sessions', data: [{ source: 'cache', sourceType: 'redis' }], recipients: [] })],
  });
  return renderRunbooks({ policy, evidence: {} }).find((f) => f.path === 'sessions.md')?.content ?? '';
}

describe('runbooks of a Redis source over TLS', () => {
  it('gives redis-cli the TLS flags, quoting paths that need it', () => {
    const page = sessionsPage({
      type: 'redis',
      url: '${env:CACHE_URL}',
      mode: 'logical',
      tls: { ca_file: '/etc/strata/redis ca.pem', cert_file: '/etc/strata/client.crt', key_file: '/etc/strata/client.key', server_name: 'cache.example.com' },
    });
    expect(page).toContain(
      `redis-cli -u "$CACHE_URL" --tls --cacert '/etc/strata/redis ca.pem' --cert /etc/strata/client.crt --key /etc/strata/client.key --sni cache.example.com --pipe < /restore/sessions/dump.resp\n`,
    );
    expect(page).toContain("A `rediss://` target on the source's host uses those settings (CA, client certificate)");
    expect(page).toContain('`NODE_EXTRA_CA_CERTS=/path/to/ca.pem`');
  });

  it('adds nothing for a source without tls', () => {
    const page = sessionsPage({ type: 'redis', url: '${env:CACHE_URL}', mode: 'logical' });
    expect(page).toContain('redis-cli -u "$CACHE_URL" --pipe < /restore/sessions/dump.resp\n');
    expect(page).not.toContain('NODE_EXTRA_CA_CERTS');
  });
});
