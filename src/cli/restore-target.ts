// Where a restore writes: a directory for files, a URL for databases; in place (over the live source)
// when --to is absent. Display forms never carry a password.
import { join, resolve } from 'node:path';
import type { Source } from '../generated/policy.js';

export interface RestoreTarget {
  /** What the engine receives (secrets resolved). */
  target: string;
  /** What humans see. */
  display: string;
  inPlace: boolean;
  kind: 'path' | 'url';
}

export function redactUrl(value: string): string {
  if (value.includes('${')) return value;
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '(url)';
  }
}

function sourceUrl(source: Source): string | undefined {
  if (source.type === 'redis' || source.type === 'postgres') return source.url;
  if (source.type === 'mongodb') return source.uri;
  return undefined;
}

export function resolveRestoreTarget(
  source: Source,
  sourceName: string,
  to: string | undefined,
  sourceCount: number,
  resolveSecret: (value: string) => string,
): RestoreTarget {
  if (source.type === 'files') {
    if (!to) return { target: '/', display: '/ (the original paths)', inPlace: true, kind: 'path' };
    const path = sourceCount > 1 ? join(resolve(to), sourceName) : resolve(to);
    return { target: path, display: path, inPlace: false, kind: 'path' };
  }
  const raw = to ?? sourceUrl(source);
  if (!raw) throw new Error(`source ${sourceName} has no URL to restore into; pass --to URL`);
  const display = redactUrl(raw);
  const resolved = resolveSecret(raw);
  return { target: resolved, display: raw.includes('${') ? display : redactUrl(resolved), inPlace: !to, kind: 'url' };
}
