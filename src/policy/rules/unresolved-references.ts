// `${env:X}` / `${file:/p}` references are resolved only where a value is used at run time: source URLs,
// files paths, local tier paths and the S3 region and endpoint. Anywhere else plan, render and apply would
// use the reference as written (a unit directory named `${env:X}`, a bucket called `${env:B}`), so it is
// rejected here, at review time, with what to write instead.
//
// Field by field (the decision, and why):
// - allowed, resolved when used: sources.*.url|uri (engines), sources.*.paths[] (files engine),
//   tiers.*.storage.path (local storage), tiers.*.storage.region|endpoint (S3 options);
//   descriptions are free text, shown as written and never resolved.
// - rejected: scheduler.unit_dir|file, render.dir (destinations of files that render/apply write: they must
//   be known without secrets, and PR CI has none); scheduler.strata_bin|policy_path|environment_file|user
//   (written into unit files and cron lines as is); tiers.*.storage.bucket|prefix (named in plans and
//   runbooks; a resolved value would have to be redacted everywhere) and tiers.*.kms_key_id (sent as is);
//   sources.*.tls.* (files are read by path as written; the SNI name is sent as is); persistence.save,
//   databases, include/exclude patterns (sent or matched as written).
// - checked elsewhere: schedule.* (invalid-cron, invalid-timezone), data[].source and copies[].tier (unknown
//   references), names, durations and age recipients (schema patterns).
import { findSecretReferences } from '../secrets.js';
import { report, type Finding, type Rule } from './rule.js';

type Path = (string | number)[];

const ALLOWED: string[][] = [
  ['sources', '*', 'url'],
  ['sources', '*', 'uri'],
  ['sources', '*', 'paths', '*'],
  ['tiers', '*', 'storage', 'path'],
  ['tiers', '*', 'storage', 'region'],
  ['tiers', '*', 'storage', 'endpoint'],
  ['description'],
  ['tiers', '*', 'description'],
  ['categories', '*', 'description'],
];

const CHECKED_ELSEWHERE: string[][] = [
  ['categories', '*', 'schedule', '*'],
  ['categories', '*', 'data', '*', 'source'],
  ['categories', '*', 'copies', '*', 'tier'],
];

function matches(path: Path, pattern: string[]): boolean {
  return path.length === pattern.length && pattern.every((p, i) => p === '*' || p === String(path[i]));
}

/** What to write instead, by field. */
function hintFor(path: Path): string {
  const key = path.map((p) => (typeof p === 'number' ? '*' : p));
  const last = String(key[key.length - 1]);
  if (key[0] === 'scheduler' && (last === 'unit_dir' || last === 'file')) {
    return `write the ${last === 'unit_dir' ? 'directory' : 'file'} itself (absolute, or relative to the policy file): render and plan need it without secrets, and it holds none`;
  }
  if (key[0] === 'render') return 'write the directory itself (relative to the policy file): apply and render --check need it without secrets, and it holds none';
  if (key[0] === 'scheduler') return `write the value itself: it goes into the unit files and cron lines as written; secrets belong in the environment_file, which strata never writes`;
  if (last === 'bucket' || last === 'prefix') return `write the ${last} itself: plans and runbooks name it; S3 credentials come from the AWS SDK's default chain, never from the policy`;
  if (last === 'kms_key_id') return 'write the key id or ARN itself: it is an identifier, not a secret';
  if (key.includes('tls')) return last === 'server_name' ? 'write the host name itself' : "write the file's path itself: strata reads the file when it connects (its contents stay secret, its path is not)";
  return 'write the value itself: strata uses this field as written';
}

function dotted(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export const unresolvedReferences: Rule = (ctx) => {
  const findings: Finding[] = [];
  const path: Path = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return;
      const refs = findSecretReferences(value);
      if (refs.length === 0 || ALLOWED.some((p) => matches(path, p)) || CHECKED_ELSEWHERE.some((p) => matches(path, p))) return;
      findings.push({
        code: 'unresolved-reference',
        path: [...path],
        message: `\`${dotted(path)}\` holds the reference ${refs[0]}, but strata resolves references only in source URLs, files paths, local tier paths and the S3 region and endpoint: plan, render and apply would use it as written`,
        hint: hintFor(path),
      });
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => {
        path.push(i);
        walk(v);
        path.pop();
      });
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        path.push(k);
        walk(v);
        path.pop();
      }
    }
  };
  walk(ctx.raw);
  return findings.map((f) => report(ctx, f));
};
