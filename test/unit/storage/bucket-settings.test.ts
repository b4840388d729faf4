// Bucket settings as planned resources: desired settings from a tier, the diff against what a bucket has,
// and problems where the bucket or endpoint cannot honour a setting. Pure: no server involved.
import { describe, expect, it } from 'vitest';
import type { ResolvedTier } from '../../../src/model/policy-model.js';
import {
  bucketProblems,
  desiredBucketSettings,
  diffBucketSettings,
  planBucketSettings,
  type BucketSettings,
  type ObservedBucket,
} from '../../../src/storage/s3/bucket-settings.js';
import { ruleFromSdk, ruleToSdk, type LifecycleRuleSpec } from '../../../src/storage/s3/lifecycle-rules.js';

/** An S3 tier `warm` in bucket `bkt`; prefix null means none. */
function tier(extra: Partial<ResolvedTier> = {}, prefix: string | null = 'warm/'): ResolvedTier {
  return { name: 'warm', storage: { type: 's3', bucket: 'bkt', ...(prefix !== null ? { prefix } : {}) }, offsite: true, ...extra };
}

const abortRule: LifecycleRuleSpec = { id: 'strata-warm', prefix: 'warm/', enabled: true, transitions: [], abortIncompleteDays: 1 };

/** A bucket that already has exactly what `desired` asks for. */
function matching(desired: BucketSettings, extra: Partial<ObservedBucket> = {}): ObservedBucket {
  return {
    bucket: desired.bucket,
    exists: true,
    versioning: desired.versioning ?? 'Off',
    lifecycle: structuredClone(desired.lifecycle),
    encryption: desired.encryption ? { ...desired.encryption } : null,
    objectLock: desired.objectLock ? { enabled: true, ...desired.objectLock } : { enabled: false },
    unsupported: [],
    unreadable: {},
    ...extra,
  };
}

const missing: ObservedBucket = { bucket: 'bkt', exists: false, unsupported: [], unreadable: {} };

describe('desiredBucketSettings', () => {
  it('maps every tier field: object lock, versioning, lifecycle rules, encryption', () => {
    const desired = desiredBucketSettings(
      tier({
        immutable: { mode: 'compliance', days: 30 },
        sse: 'aws:kms',
        kmsKeyId: 'alias/backups',
        lifecycle: {
          transitions: [
            { days: 90, storage_class: 'DEEP_ARCHIVE' },
            { days: 30, storage_class: 'GLACIER' },
          ],
          expire_days: 2555,
          noncurrent_expire_days: 7,
        },
      }),
    );
    expect(desired).toEqual({
      tier: 'warm',
      bucket: 'bkt',
      prefix: 'warm/',
      objectLock: { mode: 'COMPLIANCE', days: 30 },
      versioning: 'Enabled',
      encryption: { algorithm: 'aws:kms', kmsKeyId: 'alias/backups' },
      ownedRuleIds: ['strata-warm', 'strata-warm (transitions)'],
      lifecycle: [
        { id: 'strata-warm', prefix: 'warm/', enabled: true, transitions: [], expireDays: 2555, noncurrentExpireDays: 7, abortIncompleteDays: 1 },
        {
          id: 'strata-warm (transitions)',
          prefix: 'warm/',
          tag: { key: 'strata-role', value: 'artifact' },
          enabled: true,
          transitions: [
            { days: 30, storageClass: 'GLACIER' },
            { days: 90, storageClass: 'DEEP_ARCHIVE' },
          ],
        },
      ],
    });
  });

  it('leaves versioning and encryption alone unless asked, and always aborts incomplete uploads after a day', () => {
    expect(desiredBucketSettings(tier({}, null))).toEqual({
      tier: 'warm',
      bucket: 'bkt',
      prefix: '',
      lifecycle: [{ id: 'strata-bucket', prefix: '', enabled: true, transitions: [], abortIncompleteDays: 1 }],
      ownedRuleIds: ['strata-bucket', 'strata-bucket (transitions)'],
    });
    expect(desiredBucketSettings(tier({ versioning: false })).versioning).toBe('Suspended');
    expect(desiredBucketSettings(tier({ lifecycle: { abort_incomplete_multipart_days: 3 } })).lifecycle[0]!.abortIncompleteDays).toBe(3);
    expect(desiredBucketSettings(tier({ sse: 'AES256', kmsKeyId: 'ignored-without-kms' })).encryption).toEqual({ algorithm: 'AES256' });
  });

  it('refuses a local tier', () => {
    expect(() => desiredBucketSettings({ name: 'hot', storage: { type: 'local', path: '/x' }, offsite: false })).toThrow('tier "hot" is not an S3 tier');
  });
});

describe('diffBucketSettings', () => {
  it('a missing bucket: create it (with object lock for an immutable tier) and then every setting', () => {
    const desired = desiredBucketSettings(tier({ immutable: { mode: 'governance', days: 14 }, sse: 'AES256' }));
    const changes = diffBucketSettings(desired, missing);
    expect(changes.map((c) => `${c.op} ${c.kind}: ${c.summary}`)).toEqual([
      'create create-bucket: create bucket bkt with object lock',
      'create lifecycle: add lifecycle rules of tier warm on bucket bkt',
      'create encryption: set default encryption AES256 on bucket bkt',
      'create object-lock: set default object lock retention governance 14 days on bucket bkt',
    ]);
    expect(changes[0]!.write).toEqual({ kind: 'create-bucket', objectLock: true });
    expect(changes[0]!.detail).toEqual(['object lock enabled at creation: tier warm is immutable (governance, 14 days)']);
    expect(changes[1]!.detail).toEqual(['add rule strata-warm (prefix warm/)', '  abort incomplete multipart uploads after 1 day']);
    expect(changes[3]!.write).toEqual({ kind: 'object-lock', mode: 'GOVERNANCE', days: 14 });
    // Plans are saved as JSON: every change survives the round trip.
    expect(JSON.parse(JSON.stringify(changes))).toEqual(changes);
  });

  it('a missing bucket without object lock gets versioning enabled explicitly', () => {
    const changes = diffBucketSettings(desiredBucketSettings(tier({ versioning: true })), missing);
    expect(changes.map((c) => c.kind)).toEqual(['create-bucket', 'versioning', 'lifecycle']);
    expect(changes[0]!.summary).toBe('create bucket bkt');
    expect(changes[1]).toMatchObject({ op: 'create', write: { kind: 'versioning', status: 'Enabled' }, detail: ['versioning: off → enabled'] });
  });

  it('a bucket that already matches needs nothing', () => {
    for (const t of [tier(), tier({ versioning: true, sse: 'AES256' }), tier({ immutable: { mode: 'compliance', days: 7 }, lifecycle: { transitions: [{ days: 30, storage_class: 'GLACIER' }], expire_days: 365 } })]) {
      const desired = desiredBucketSettings(t);
      expect(planBucketSettings(desired, matching(desired))).toEqual({ changes: [], problems: [], kept: [] });
    }
  });

  it('versioning: enables, re-enables, suspends; never suspends an object-lock bucket', () => {
    const on = desiredBucketSettings(tier({ versioning: true }));
    expect(diffBucketSettings(on, matching(on, { versioning: 'Off' }))[0]).toMatchObject({ op: 'create', summary: 'enable versioning on bucket bkt' });
    expect(diffBucketSettings(on, matching(on, { versioning: 'Suspended' }))[0]).toMatchObject({ op: 'update', detail: ['versioning: suspended → enabled'] });
    const off = desiredBucketSettings(tier({ versioning: false }));
    expect(diffBucketSettings(off, matching(off, { versioning: 'Enabled' }))[0]).toMatchObject({ op: 'update', summary: 'suspend versioning on bucket bkt', write: { status: 'Suspended' } });
    expect(diffBucketSettings(off, matching(off, { versioning: 'Off' }))).toEqual([]);
    const locked = matching(off, { versioning: 'Enabled', objectLock: { enabled: true } });
    expect(diffBucketSettings(off, locked)).toEqual([]);
    expect(bucketProblems(off, locked).map((p) => p.message)).toEqual(['bucket bkt has object lock, so its versioning cannot be suspended (tier warm sets `versioning: false`)']);
    // Unmanaged: whatever the bucket has is fine.
    const free = desiredBucketSettings(tier());
    expect(diffBucketSettings(free, matching(free, { versioning: 'Suspended' }))).toEqual([]);
  });

  it('lifecycle: changes only Strata-owned rules of this tier, keeps and reports every other rule', () => {
    const desired = desiredBucketSettings(tier({ lifecycle: { transitions: [{ days: 30, storage_class: 'GLACIER' }], expire_days: 400 } }));
    const foreign: LifecycleRuleSpec = { id: 'logs-expiry', prefix: 'logs/', enabled: true, transitions: [], expireDays: 10 };
    const otherTier: LifecycleRuleSpec = { id: 'strata-cold', prefix: 'cold/', enabled: true, transitions: [], abortIncompleteDays: 1 };
    const observed = matching(desired, { lifecycle: [foreign, { ...abortRule, expireDays: 365 }, otherTier] });
    const [change, ...rest] = diffBucketSettings(desired, observed);
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ kind: 'lifecycle', op: 'update', summary: 'update lifecycle rules of tier warm on bucket bkt' });
    expect(change!.detail).toEqual([
      'change rule strata-warm:',
      '  delete after: 365 days → 400 days',
      'add rule strata-warm (transitions) (prefix warm/, tag strata-role=artifact)',
      '  move to GLACIER after 30 days',
      'keeps foreign rule logs-expiry (prefix logs/): not created by Strata, left untouched',
      "keeps rule strata-cold (another Strata tier's, prefix cold/)",
    ]);
    // Apply replaces exactly the owned IDs with the desired rules; the rest is re-read and kept at apply time.
    expect(change!.write).toEqual({ kind: 'lifecycle', ownedRuleIds: ['strata-warm', 'strata-warm (transitions)'], rules: desired.lifecycle });
    expect(planBucketSettings(desired, observed).kept).toHaveLength(2);
  });

  it('lifecycle: removes a transitions rule the tier no longer wants, and reports settings it would drop', () => {
    const desired = desiredBucketSettings(tier());
    const stale: LifecycleRuleSpec = { id: 'strata-warm (transitions)', prefix: 'warm/', enabled: true, transitions: [{ days: 30, storageClass: 'GLACIER' }] };
    expect(diffBucketSettings(desired, matching(desired, { lifecycle: [abortRule, stale] }))[0]!.detail).toEqual(['remove rule strata-warm (transitions)']);
    const edited = { ...abortRule, enabled: false, other: ['expires on 2030-01-01'] };
    expect(diffBucketSettings(desired, matching(desired, { lifecycle: [edited] }))[0]!.detail).toEqual([
      'change rule strata-warm:',
      '  status: disabled → enabled',
      '  drop settings Strata does not manage: expires on 2030-01-01',
    ]);
    expect(diffBucketSettings(desired, matching(desired, { lifecycle: [] }))[0]).toMatchObject({ op: 'create', summary: 'add lifecycle rules of tier warm on bucket bkt' });
  });

  it('encryption: sets it when absent or different; a KMS key ARN matches its id', () => {
    const aes = desiredBucketSettings(tier({ sse: 'AES256' }));
    expect(diffBucketSettings(aes, matching(aes, { encryption: null }))[0]).toMatchObject({
      kind: 'encryption',
      op: 'create',
      detail: ['default encryption: none → AES256'],
      write: { kind: 'encryption', algorithm: 'AES256' },
    });
    expect(diffBucketSettings(aes, matching(aes, { encryption: { algorithm: 'aws:kms', kmsKeyId: 'k' } }))[0]).toMatchObject({
      op: 'update',
      detail: ['default encryption: aws:kms (key k) → AES256'],
    });
    const kms = desiredBucketSettings(tier({ sse: 'aws:kms', kmsKeyId: '1234abcd-12ab' }));
    expect(diffBucketSettings(kms, matching(kms, { encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab' } }))).toEqual([]);
    expect(diffBucketSettings(kms, matching(kms, { encryption: { algorithm: 'aws:kms', kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/other' } }))).toHaveLength(1);
  });

  it('an endpoint without default encryption: a problem instead of a change', () => {
    const aes = desiredBucketSettings(tier({ sse: 'AES256' }));
    const observed = matching(aes, { encryption: undefined, unsupported: ['encryption'] });
    expect(diffBucketSettings(aes, observed)).toEqual([]);
    expect(bucketProblems(aes, observed)).toEqual([
      {
        kind: 'encryption',
        tier: 'warm',
        bucket: 'bkt',
        message: 'the S3 endpoint of tier warm does not support default encryption (bucket bkt), so the tier cannot honour `sse`',
        hint: 'remove `sse` from tier warm, or use a store that supports default encryption',
      },
    ]);
    // Not asked for, not a problem.
    const plain = desiredBucketSettings(tier());
    expect(bucketProblems(plain, matching(plain, { unsupported: ['encryption', 'object-lock'] }))).toEqual([]);
  });

  it('object lock: default retention on a lock bucket; a bucket created without lock is a problem', () => {
    const desired = desiredBucketSettings(tier({ immutable: { mode: 'governance', days: 30 } }));
    expect(diffBucketSettings(desired, matching(desired, { objectLock: { enabled: true } }))[0]).toMatchObject({
      kind: 'object-lock',
      op: 'create',
      detail: ['default retention: none → governance 30 days', 'applies to objects written from now on; existing objects keep their retention'],
    });
    expect(diffBucketSettings(desired, matching(desired, { objectLock: { enabled: true, mode: 'COMPLIANCE', days: 30 } }))[0]).toMatchObject({
      op: 'update',
      detail: ['default retention: compliance 30 days → governance 30 days', expect.any(String)],
    });
    const unlocked = matching(desired, { objectLock: { enabled: false } });
    expect(diffBucketSettings(desired, unlocked).map((c) => c.kind)).toEqual([]);
    const [problem] = bucketProblems(desired, unlocked);
    expect(problem).toMatchObject({ kind: 'object-lock', message: 'bucket bkt was created without object lock, so tier warm cannot be immutable' });
    expect(problem!.hint).toContain('point the tier at a new bucket');
  });

  it('settings that cannot be read: a problem naming the permission, no change', () => {
    const desired = desiredBucketSettings(tier({ versioning: true }));
    const observed = matching(desired, { versioning: undefined, lifecycle: undefined, unreadable: { versioning: 'GetBucketVersioning was refused (HTTP 403 AccessDenied)' }, unsupported: ['lifecycle'] });
    expect(diffBucketSettings(desired, observed)).toEqual([]);
    expect(bucketProblems(desired, observed).map((p) => [p.kind, p.message, p.hint])).toEqual([
      ['versioning', 'cannot read versioning of bucket bkt (tier warm): GetBucketVersioning was refused (HTTP 403 AccessDenied)', 'grant the backup credentials s3:GetBucketVersioning (and the matching Put permission) on bkt'],
      ['lifecycle', 'the S3 endpoint of tier warm does not support lifecycle rules (bucket bkt), so the tier cannot honour `lifecycle`', expect.stringContaining('debris')],
    ]);
  });
});

describe('lifecycle rules in S3 form', () => {
  it('round-trips Strata rules through the SDK shape', () => {
    const desired = desiredBucketSettings(tier({ lifecycle: { transitions: [{ days: 30, storage_class: 'STANDARD_IA' }], expire_days: 90, noncurrent_expire_days: 3 } }));
    for (const rule of desired.lifecycle) expect(ruleFromSdk(ruleToSdk(rule))).toEqual(rule);
    expect(ruleToSdk(desired.lifecycle[1]!).Filter).toEqual({ And: { Prefix: 'warm/', Tags: [{ Key: 'strata-role', Value: 'artifact' }] } });
  });

  it('reads the shapes servers answer with: radosgw Filter.Tag, legacy Prefix, And with size, dates', () => {
    expect(ruleFromSdk({ ID: 'x', Status: 'Enabled', Filter: { Prefix: 'p/', Tag: { Key: 'strata-role', Value: 'artifact' } }, Transitions: [{ Days: 30, StorageClass: 'GLACIER' }] })).toEqual({
      id: 'x',
      prefix: 'p/',
      tag: { key: 'strata-role', value: 'artifact' },
      enabled: true,
      transitions: [{ days: 30, storageClass: 'GLACIER' }],
    });
    expect(ruleFromSdk({ ID: 'old', Status: 'Disabled', Prefix: 'legacy/', Expiration: { Days: 5 } })).toEqual({ id: 'old', prefix: 'legacy/', enabled: false, transitions: [], expireDays: 5 });
    expect(
      ruleFromSdk({ ID: 'big', Status: 'Enabled', Filter: { And: { Prefix: 'a/', ObjectSizeGreaterThan: 1024 } }, Expiration: { Date: new Date('2030-01-01T00:00:00Z') } }).other,
    ).toEqual(['expires on 2030-01-01', 'objects over 1024 bytes']);
  });
});
