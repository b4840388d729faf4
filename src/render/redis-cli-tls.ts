// redis-cli flags for a Redis source's `tls:` settings, so the runbook's manual commands reach a server
// that requires TLS (and a client certificate) exactly as Strata does. Paths are printed, never contents.
import type { RedisSource } from '../generated/policy.js';

/** A path as one shell word: bare when it is plainly safe, single-quoted otherwise. */
function shellWord(value: string): string {
  return /^[\w./@%+=:,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** ` --tls --cacert … --cert … --key … --sni …` for a source with tls settings, else ''. */
export function redisCliTlsFlags(source: RedisSource): string {
  const tls = source.tls;
  if (!tls) return '';
  const flags = ['--tls'];
  if (tls.ca_file) flags.push('--cacert', shellWord(tls.ca_file));
  if (tls.cert_file && tls.key_file) flags.push('--cert', shellWord(tls.cert_file), '--key', shellWord(tls.key_file));
  if (tls.server_name) flags.push('--sni', shellWord(tls.server_name));
  return ` ${flags.join(' ')}`;
}
