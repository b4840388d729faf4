// A Redis source's `tls:` settings only mean something on a rediss:// url, and a client certificate is
// useless without its key (and the reverse). Both would otherwise fail at the first backup, at night.
// A url that is a reference (${env:REDIS_URL}) cannot be checked here: the engine refuses it when connecting.
import type { Diagnostic } from '../diagnostic.js';
import { report, type Rule } from './rule.js';

/** Whether a url, as written, is plainly a non-TLS redis:// url. */
function isPlainRedisUrl(url: string): boolean {
  return /^redis:\/\//i.test(url.trim());
}

export const redisTls: Rule = (ctx) => {
  const out: Diagnostic[] = [];
  for (const [name, source] of Object.entries(ctx.raw.sources)) {
    if (source.type !== 'redis' || !source.tls) continue;
    const tls = source.tls;
    if (isPlainRedisUrl(source.url)) {
      out.push(
        report(ctx, {
          code: 'redis-tls-plain-url',
          path: ['sources', name, 'tls'],
          target: 'key',
          message: `source \`${name}\` sets \`tls\`, but its url is redis:// (plain TCP), so the settings would never be used`,
          hint: 'use a rediss:// url to connect over TLS, or remove `tls`',
        }),
      );
    }
    const present = tls.cert_file !== undefined ? 'cert_file' : tls.key_file !== undefined ? 'key_file' : undefined;
    if (present && (tls.cert_file === undefined || tls.key_file === undefined)) {
      const missing = present === 'cert_file' ? 'key_file' : 'cert_file';
      out.push(
        report(ctx, {
          code: 'redis-tls-half-pair',
          path: ['sources', name, 'tls', present],
          target: 'key',
          message: `source \`${name}\` sets \`tls.${present}\` without \`tls.${missing}\``,
          hint: 'a client certificate (mutual TLS) needs both `cert_file` and its private key `key_file`; set both, or neither',
        }),
      );
    }
  }
  return out;
};
