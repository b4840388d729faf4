// Where a tier keeps a category's backups, as text for runbooks and as shell words for commands.
// Values may hold `${env:…}`/`${file:…}` references: text shows them as written, shell words let the
// shell resolve them; Strata never does either here.
import type { ResolvedTier } from '../model/policy-model.js';

const REFERENCE = /\$\{(env|file):([^}]*)\}/g;

/** Joins key parts with single slashes (prefixes may or may not end in one). */
function joinKey(...parts: (string | undefined)[]): string {
  return parts
    .filter((p): p is string => p !== undefined && p !== '')
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter((p) => p !== '')
    .join('/');
}

/** The tier's root: a local path or `s3://bucket/prefix`. */
export function tierRoot(tier: ResolvedTier): string {
  const storage = tier.storage;
  if (storage.type === 'local') return storage.path.replace(/\/+$/, '') || '/';
  return `s3://${joinKey(storage.bucket, storage.prefix)}`;
}

/** Directory holding one source's backups: `<root>/<system>/<category>/<source>/`, or the category's without source. */
export function backupLocation(tier: ResolvedTier, system: string, category: string, source?: string): string {
  const root = tierRoot(tier);
  const rest = joinKey(system, category, source);
  return root === '/' ? `/${rest}/` : `${root}/${rest}/`;
}

/** Storage kind and options that matter to a responder, e.g. "s3, STANDARD_IA, region eu-central-1". */
export function storageSummary(tier: ResolvedTier): string {
  const storage = tier.storage;
  if (storage.type === 'local') return 'local';
  const parts = ['s3'];
  if (tier.storageClass) parts.push(tier.storageClass);
  if (storage.region) parts.push(`region ${storage.region}`);
  if (storage.endpoint) parts.push(`endpoint ${storage.endpoint}`);
  if (tier.sse) parts.push(`SSE ${tier.sse}${tier.kmsKeyId ? ` (${tier.kmsKeyId})` : ''}`);
  return parts.join(', ');
}

/** Contents of a double-quoted shell string: literal text escaped, references turned into shell expansions. */
export function shellInterpolate(value: string): string {
  const escapeLiteral = (text: string): string => text.replace(/[\\"`$]/g, (c) => `\\${c}`);
  let out = '';
  let last = 0;
  for (const match of value.matchAll(REFERENCE)) {
    const index = match.index ?? 0;
    out += escapeLiteral(value.slice(last, index));
    const [, kind, name = ''] = match;
    out += kind === 'env' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? `\${${name}}` : `$(cat '${name.replace(/'/g, `'\\''`)}')`;
    last = index + match[0].length;
  }
  return out + escapeLiteral(value.slice(last));
}

/** Extra `aws` CLI flags for an S3 tier (endpoint, region), ready to append to a command. */
export function awsFlags(tier: ResolvedTier): string {
  const storage = tier.storage;
  if (storage.type !== 's3') return '';
  const flags: string[] = [];
  if (storage.endpoint) flags.push(`--endpoint-url "${shellInterpolate(storage.endpoint)}"`);
  if (storage.region) flags.push(`--region "${shellInterpolate(storage.region)}"`);
  return flags.map((f) => ` ${f}`).join('');
}
