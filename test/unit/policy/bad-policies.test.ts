// The bad-policy corpus: one broken policy per file, each with its diagnostic code, message and position.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPolicyText } from '../../../src/policy/load-policies.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const BAD = path.resolve(here, '../../fixtures/policies/bad');
const GOOD = path.resolve(here, '../../fixtures/policies/good');

interface Case {
  file: string;
  severity: 'error' | 'warning';
  code: string;
  at: string;
  message: string;
  pointer?: string;
}

const CASES: Case[] = [
  { file: 'yaml-syntax', severity: 'error', code: 'yaml-syntax', at: '4:48', message: 'YAML syntax error: flow sequence in block collection must be sufficiently indented and end with a ]' },
  { file: 'tab-indent', severity: 'error', code: 'yaml-syntax', at: '12:1', message: 'tabs are not allowed as indentation' },
  { file: 'multiple-documents', severity: 'error', code: 'yaml-syntax', at: '23:1', message: 'more than one YAML document' },
  { file: 'empty', severity: 'error', code: 'empty-policy', at: '1:1', message: 'the policy file is empty' },
  { file: 'not-a-mapping', severity: 'error', code: 'wrong-type', at: '1:1', message: 'the policy must be a mapping of keys to values, not a list' },
  { file: 'duplicate-key', severity: 'error', code: 'duplicate-key', at: '10:3', message: 'duplicate key `hot`; it is already defined at line 6, col 3', pointer: '/tiers/hot' },
  { file: 'wrong-type', severity: 'error', code: 'wrong-type', at: '4:34', message: '`paths` of files source `uploads` must be a list, not "/srv/uploads"', pointer: '/sources/uploads/paths' },
  { file: 'unknown-property', severity: 'error', code: 'unknown-property', at: '4:27', message: 'unknown property `pathz` in files source `uploads`; did you mean `paths`?' },
  { file: 'scheduler-missing-unit-dir', severity: 'error', code: 'unknown-property', at: '5:3', message: 'unknown property `unitdir` in systemd scheduler; did you mean `unit_dir`?' },
  { file: 'missing-required', severity: 'error', code: 'missing-property', at: '11:3', message: 'category `orders` is missing required property `rto`', pointer: '/categories/orders' },
  { file: 'missing-type', severity: 'error', code: 'missing-property', at: '4:3', message: 'source `uploads` needs a `type` (one of files, redis, postgres, mongodb)' },
  { file: 'unknown-source-type', severity: 'error', code: 'unknown-type', at: '4:20', message: 'unknown source type "filez" in source `uploads`; did you mean `files`?' },
  { file: 'bad-version', severity: 'error', code: 'invalid-value', at: '1:10', message: '`version` must be 1, not 2' },
  { file: 'bad-duration', severity: 'error', code: 'invalid-duration', at: '12:10', message: '`rpo` of category `orders` is not a duration: "24 hours"', pointer: '/categories/orders/rpo' },
  { file: 'bad-recipient', severity: 'error', code: 'invalid-value', at: '12:22', message: 'is not an age recipient: "age1notakey"' },
  { file: 'invalid-name', severity: 'error', code: 'invalid-name', at: '11:3', message: 'category name "Orders DB" is not valid' },
  { file: 'empty-keep', severity: 'error', code: 'keep-nothing', at: '20:9', message: 'sets no retention counts, so it keeps nothing' },
  { file: 'no-data', severity: 'error', code: 'too-few-items', at: '14:11', message: '`data` of category `orders` must list at least 1 item' },
  { file: 'bad-cron', severity: 'error', code: 'invalid-cron', at: '17:13', message: 'schedule.full of category `orders` is not a valid cron expression: minute 61 is out of range (0-59)' },
  { file: 'seconds-cron', severity: 'error', code: 'invalid-cron', at: '17:13', message: 'cron expression has 6 fields; Strata takes 5' },
  { file: 'invalid-timezone', severity: 'error', code: 'invalid-timezone', at: '18:17', message: 'not a known IANA time zone: "Europe/Berln"; did you mean `Europe/Berlin`?' },
  { file: 'rpo-breach', severity: 'error', code: 'rpo-breach', at: '12:10', message: 'category `orders`: schedule leaves a gap of 1d (between 02:00 and 02:00 next day) but rpo is 5m', pointer: '/categories/orders/rpo' },
  { file: 'rpo-breach-weekend', severity: 'error', code: 'rpo-breach', at: '12:10', message: 'gap of 2d 6h (between Fri 2024-01-05 20:00 and Mon 2024-01-08 02:00, America/New_York time) but rpo is 6h' },
  // References (${env:…}, ${file:…}) where plan/render/apply would use them as written (src/policy/rules/unresolved-references.ts)
  { file: 'unresolved-unit-dir', severity: 'error', code: 'unresolved-reference', at: '5:13', message: '`scheduler.unit_dir` holds the reference ${env:UNIT_DIR}, but strata resolves references only in source URLs, files paths, local tier paths and the S3 region and endpoint', pointer: '/scheduler/unit_dir' },
  { file: 'unresolved-render-dir', severity: 'error', code: 'unresolved-reference', at: '3:16', message: '`render.dir` holds the reference ${env:ENVIRONMENT}', pointer: '/render/dir' },
  // Only the bucket: the files path, the local tier path and the region hold references that are resolved.
  { file: 'unresolved-bucket', severity: 'error', code: 'unresolved-reference', at: '9:34', message: '`tiers.offsite.storage.bucket` holds the reference ${env:BACKUP_BUCKET}', pointer: '/tiers/offsite/storage/bucket' },
  { file: 'unresolved-tls-file', severity: 'error', code: 'unresolved-reference', at: '8:16', message: '`sources.cache.tls.ca_file` holds the reference ${file:/etc/strata/redis-ca-path}', pointer: '/sources/cache/tls/ca_file' },
  { file: 'rto-archive-only', severity: 'warning', code: 'rto-unreachable', at: '15:10', message: 'category `orders`: no copy can be read back within rto 1m: the fastest takes about 5h: tier `cold` (GLACIER: Standard retrieval typically takes 3–5 h), tier `vault` (DEEP_ARCHIVE: Standard retrieval typically takes up to 12 h)', pointer: '/categories/orders/rto' },
  // Daylight-saving changes counted as the rendered scheduler really handles them (src/model/cron-gap.ts)
  { file: 'rpo-breach-dst', severity: 'error', code: 'rpo-breach', at: '13:10', message: 'schedule leaves a gap of 1d 23h (between Sat 2024-03-30 02:30 (UTC+01:00) and Mon 2024-04-01 02:30 (UTC+02:00), Europe/Berlin time, across a daylight-saving change) but rpo is 26h: Europe/Berlin clocks jump from 02:00 to 03:00 on Sun 2024-03-31, and the systemd timer skips the run at 02:30', pointer: '/categories/orders/rpo' },
  { file: 'dst-skipped-run', severity: 'warning', code: 'dst-schedule', at: '19:17', message: 'the systemd timer skips the run at 02:30 instead of starting it at 03:00, leaving a gap of 1d 23h where it otherwise leaves at most 1d 1h', pointer: '/categories/orders/schedule/timezone' },
  { file: 'dst-skipped-run-cron', severity: 'warning', code: 'dst-schedule', at: '19:17', message: 'cron with CRON_TZ (cronie) skips the run at 02:30' },
  { file: 'dst-repeated-hour', severity: 'warning', code: 'dst-schedule', at: '19:17', message: 'America/New_York clocks go back from 02:00 to 01:00 on Sun 2024-11-03, and the systemd timer starts each wall-clock time once, so nothing runs when 01:00–01:59 repeats, leaving a gap of 2h where it otherwise leaves at most 1h' },
  { file: 'unknown-tier', severity: 'error', code: 'unknown-tier', at: '19:15', message: 'category `orders` keeps a copy in tier `hott`, which is not defined; did you mean `hot`?' },
  { file: 'unknown-source', severity: 'error', code: 'unknown-source', at: '15:17', message: 'category `orders` refers to source `upload`, which is not defined; did you mean `uploads`?' },
  { file: 'keep-nothing', severity: 'error', code: 'keep-nothing', at: '20:9', message: 'copy 1 (tier `hot`) of category `orders` keeps nothing: every count in keep is 0' },
  { file: 'incremental-unsupported', severity: 'error', code: 'incremental-unsupported', at: '18:20', message: 'category `orders` schedules incremental backups, but source `uploads` (files) cannot take them' },
  { file: 'duplicate-copy', severity: 'error', code: 'duplicate-copy', at: '23:15', message: 'category `orders` lists tier `hot` twice in copies (entries 1 and 3)' },
  { file: 'duplicate-data', severity: 'error', code: 'duplicate-data', at: '16:17', message: 'category `orders` lists source `uploads` twice in data (entries 1 and 2)' },
  { file: 'local-immutable', severity: 'error', code: 'local-tier-s3-option', at: '8:5', message: 'tier `hot` uses local storage, which cannot honour `immutable`' },
  { file: 'rdb-key-filter', severity: 'error', code: 'rdb-key-filter', at: '7:5', message: 'source `cache` is an RDB snapshot (mode: rdb), which always holds every key, so `include` cannot apply' },
  { file: 'redis-tls-plain-url', severity: 'error', code: 'redis-tls-plain-url', at: '7:5', message: 'source `cache` sets `tls`, but its url is redis:// (plain TCP)', pointer: '/sources/cache/tls' },
  { file: 'redis-tls-half-pair', severity: 'error', code: 'redis-tls-half-pair', at: '9:7', message: 'source `cache` sets `tls.cert_file` without `tls.key_file`' },
  { file: 'gzip-level', severity: 'error', code: 'compression-level', at: '15:24', message: 'compression level 12 is too high for gzip' },
  { file: 'cron-day-ambiguity', severity: 'warning', code: 'cron-day-ambiguity', at: '17:13', message: 'restricts both day fields and one starts with "*" (*/2)' },
  { file: 'single-tier', severity: 'warning', code: 'single-tier', at: '16:5', message: 'category `orders` keeps copies in only one tier (`offsite`)' },
  { file: 'no-offsite', severity: 'warning', code: 'no-offsite-copy', at: '18:5', message: 'no copy of category `orders` is off-site: `hot`, `offsite` are on this host' },
  { file: 'unused-source', severity: 'warning', code: 'unused-source', at: '5:3', message: 'source `logs` is not used by any category' },
  { file: 'unused-tier', severity: 'warning', code: 'unused-tier', at: '10:3', message: 'tier `archive` is not used by any category' },
  { file: 'hourly-keep-sparse', severity: 'warning', code: 'hourly-keep-sparse', at: '20:25', message: 'hourly: 24 in copy 1 (tier `hot`) of category `orders` keeps at most one backup a day with this schedule' },
  { file: 'every-on-first-copy', severity: 'error', code: 'every-on-first-copy', at: '22:16', message: 'copy 1 (tier `hot`) of category `orders` sets `every`, but the first copy is where every backup is written' },
  { file: 'bad-copy-period', severity: 'error', code: 'invalid-value', at: '24:16', message: '`every` of copy 2 (tier `offsite`) of category `orders` is not in the expected format: "monthy"' },
  { file: 'offsite-copy-period', severity: 'warning', code: 'offsite-copy-period', at: '24:16', message: 'the off-site copies of category `orders` are made at most every 30d (tier `archive`: every monthly), so losing this site loses up to that much data; rpo is 1h' },
  { file: 'lock-outlives-retention', severity: 'warning', code: 'lock-outlives-retention', at: '23:9', message: 'tier `offsite` locks objects for 90 days, but copy 2 of category `orders` keeps backups for only about 30 days' },
  // S3 tiers: lifecycle, bucket settings and object lock (src/policy/rules/s3-*.ts)
  { file: 'lifecycle-expires-kept', severity: 'error', code: 'lifecycle-expires-kept-backups', at: '11:20', message: 'the lifecycle of tier `offsite` deletes objects after 30 days, but copy 2 of category `orders` keeps backups for about 56 days (`weekly: 8`)', pointer: '/tiers/offsite/lifecycle/expire_days' },
  { file: 'lifecycle-ia-too-early', severity: 'error', code: 'lifecycle-transition-too-early', at: '12:19', message: 'tier `offsite` moves objects to STANDARD_IA after 7 days; S3 allows STANDARD_IA only after 30 days or more' },
  { file: 'lifecycle-transition-order', severity: 'error', code: 'lifecycle-transition-order', at: '13:39', message: 'tier `offsite` moves objects from GLACIER to STANDARD_IA, which is not a colder class' },
  { file: 'lifecycle-expiry-before-transition', severity: 'error', code: 'lifecycle-expiry-before-transition', at: '13:20', message: 'tier `offsite` deletes objects after 30 days, not later than their move to GLACIER_IR (30 days)' },
  { file: 'lifecycle-early-delete', severity: 'warning', code: 'lifecycle-early-delete', at: '12:38', message: 'objects of tier `offsite` move to GLACIER after 30 days but leave it 60 days later (they move on to DEEP_ARCHIVE at 90 days); GLACIER bills at least 90 days' },
  { file: 'immutable-without-versioning', severity: 'error', code: 'immutable-without-versioning', at: '11:17', message: 'tier `offsite` is immutable but sets `versioning: false`; object lock needs versioning' },
  { file: 'kms-key-without-kms', severity: 'error', code: 'kms-key-without-kms', at: '11:5', message: 'tier `offsite` names a KMS key but its sse is `AES256`' },
  { file: 'lock-delays-prune', severity: 'warning', code: 'lock-delays-prune', at: '23:17', message: 'tier `offsite` locks objects for 30 days, but `daily: 7` in copy 2 of category `orders` prunes backups after about 7 days' },
  { file: 'local-versioning', severity: 'error', code: 'local-tier-s3-option', at: '8:5', message: 'tier `hot` uses local storage, which cannot honour `versioning`' },
  { file: 'bucket-settings-conflict', severity: 'error', code: 'bucket-settings-conflict', at: '12:34', message: 'tiers `offsite` and `archive` share bucket shop-backups but want different versioning: enabled and suspended' },
  { file: 'tier-location-shared', severity: 'error', code: 'tier-location-shared', at: '12:34', message: 'tiers `offsite` and `archive` both store in s3://shop-backups/warm/' },
];

function load(dir: string, name: string) {
  const file = path.join(dir, name);
  return { file, ...loadPolicyText(file, readFileSync(file, 'utf8')) };
}

describe('bad-policy corpus', () => {
  it('covers every file in the corpus', () => {
    const files = readdirSync(BAD).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')).sort();
    expect(files).toEqual(CASES.map((c) => c.file).sort());
  });

  it.each(CASES)('$file → $code at $at', (c) => {
    const { file, policy, diagnostics } = load(BAD, `${c.file}.yaml`);
    // One broken thing per file: exactly one diagnostic, the expected one.
    expect(diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}:${d.col}`)).toEqual([`${c.severity} ${c.code} ${c.at}`]);
    const d = diagnostics[0]!;
    expect(d.message).toContain(c.message);
    expect(d.file).toBe(file);
    expect(d.hint, 'every diagnostic says what to do').toBeTruthy();
    if (c.pointer) expect(d.path).toBe(c.pointer);
    // Errors keep the policy out; warnings alone do not.
    expect(policy === undefined).toBe(c.severity === 'error');
  });

  it('messages are plain English, never raw ajv or yaml library text', () => {
    for (const c of CASES) {
      for (const d of load(BAD, `${c.file}.yaml`).diagnostics) {
        expect(d.message).not.toMatch(/must NOT have|must match pattern|must be equal to constant|parseAllDocuments|instancePath|#\/\$defs/);
      }
    }
  });
});

describe('good policies', () => {
  it.each(readdirSync(GOOD).filter((f) => f.endsWith('.yaml')))('%s is valid without warnings', (name) => {
    const { policy, diagnostics } = load(GOOD, name);
    expect(diagnostics).toEqual([]);
    expect(policy).toBeDefined();
  });
});
