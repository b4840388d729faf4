// Bucket settings as planned resources (pure): what a tier wants (versioning, lifecycle, default encryption,
// object lock), what the bucket has, and the changes between them, or problems where the endpoint or the
// bucket cannot honour a setting. The I/O side (read the bucket, write one change) is in
// bucket-settings-io.ts, so the planner that imports this module never loads the AWS SDK for it.
import type { ResolvedTier } from '../../model/policy-model.js';
import { desiredLifecycleRules, describeRule, isStrataRuleId, ruleDifferences, ruleIdsFor, type LifecycleRuleSpec } from './lifecycle-rules.js';
import { normalizePrefix } from './s3-options.js';

export type { LifecycleRuleSpec, LifecycleTransitionSpec } from './lifecycle-rules.js';

export type BucketSettingKind = 'versioning' | 'lifecycle' | 'encryption' | 'object-lock';
export type BucketChangeKind = 'create-bucket' | BucketSettingKind;
export type LockMode = 'GOVERNANCE' | 'COMPLIANCE';
export type VersioningStatus = 'Enabled' | 'Suspended';

/** What one tier wants of its bucket. */
export interface BucketSettings {
  tier: string;
  bucket: string;
  /** The tier's key prefix ('' or ending in '/'): Strata's lifecycle rules are scoped to it. */
  prefix: string;
  /** Default retention; the bucket must have been created with object lock. */
  objectLock?: { mode: LockMode; days: number };
  /** undefined: leave versioning alone. Object lock implies Enabled. */
  versioning?: VersioningStatus;
  /** Strata's rules for this tier (see ruleIdsFor); every S3 tier has at least the abort-incomplete rule. */
  lifecycle: LifecycleRuleSpec[];
  /** Rule IDs this tier owns: replaced or removed by apply. Every other rule on the bucket is kept. */
  ownedRuleIds: string[];
  /** undefined: leave default encryption alone. */
  encryption?: { algorithm: 'AES256' | 'aws:kms'; kmsKeyId?: string };
}

/** What the bucket has. A setting that could not be read is undefined and named in unsupported/unreadable. */
export interface ObservedBucket {
  bucket: string;
  exists: boolean;
  versioning?: VersioningStatus | 'Off';
  /** Every lifecycle rule on the bucket, Strata's and foreign ones. */
  lifecycle?: LifecycleRuleSpec[];
  /** null: no default encryption configured. */
  encryption?: { algorithm: string; kmsKeyId?: string } | null;
  objectLock?: { enabled: boolean; mode?: LockMode; days?: number };
  /** Settings the endpoint refused to read (NotImplemented, 400, 405): it cannot honour them. */
  unsupported: BucketSettingKind[];
  /** Settings that could not be read for another reason (e.g. AccessDenied), with that reason. */
  unreadable: Partial<Record<BucketSettingKind, string>>;
}

/** What apply writes for one change. Plain data, so it survives a saved plan file. */
export type BucketWrite =
  | { kind: 'create-bucket'; objectLock: boolean }
  | { kind: 'versioning'; status: VersioningStatus }
  /** Replace the rules with `ownedRuleIds` by `rules`, keeping every other rule as found at apply time. */
  | { kind: 'lifecycle'; ownedRuleIds: string[]; rules: LifecycleRuleSpec[] }
  | { kind: 'encryption'; algorithm: 'AES256' | 'aws:kms'; kmsKeyId?: string }
  | { kind: 'object-lock'; mode: LockMode; days: number };

export interface BucketChange {
  kind: BucketChangeKind;
  op: 'create' | 'update';
  tier: string;
  bucket: string;
  /** One line, e.g. "create bucket b with object lock". */
  summary: string;
  detail: string[];
  write: BucketWrite;
}

/** A setting the tier asks for that this bucket or endpoint cannot honour; the plan shows it, apply skips it. */
export interface BucketProblem {
  kind: BucketChangeKind;
  tier: string;
  bucket: string;
  message: string;
  hint: string;
}

export function desiredBucketSettings(tier: ResolvedTier): BucketSettings {
  const storage = tier.storage;
  if (storage.type !== 's3') throw new Error(`tier "${tier.name}" is not an S3 tier`);
  const prefix = normalizePrefix(storage.prefix);
  const ids = ruleIdsFor(prefix);
  const settings: BucketSettings = {
    tier: tier.name,
    bucket: storage.bucket,
    prefix,
    lifecycle: desiredLifecycleRules(prefix, tier.lifecycle),
    ownedRuleIds: [ids.main, ids.transitions],
  };
  if (tier.immutable) settings.objectLock = { mode: tier.immutable.mode === 'compliance' ? 'COMPLIANCE' : 'GOVERNANCE', days: tier.immutable.days };
  if (tier.immutable || tier.versioning === true) settings.versioning = 'Enabled';
  else if (tier.versioning === false) settings.versioning = 'Suspended';
  if (tier.sse !== undefined) {
    settings.encryption = { algorithm: tier.sse as 'AES256' | 'aws:kms' };
    if (tier.sse === 'aws:kms' && tier.kmsKeyId !== undefined) settings.encryption.kmsKeyId = tier.kmsKeyId;
  }
  return settings;
}

const WHAT: Record<BucketSettingKind, { what: string; field: string; permission: string }> = {
  versioning: { what: 'versioning', field: 'versioning', permission: 's3:GetBucketVersioning' },
  lifecycle: { what: 'lifecycle rules', field: 'lifecycle', permission: 's3:GetLifecycleConfiguration' },
  encryption: { what: 'default encryption', field: 'sse', permission: 's3:GetEncryptionConfiguration' },
  'object-lock': { what: 'object lock', field: 'immutable', permission: 's3:GetBucketObjectLockConfiguration' },
};

function kmsMatches(observed: string | undefined, desired: string | undefined): boolean {
  if (desired === undefined) return true;
  if (observed === undefined) return false;
  // AWS may answer with the key's ARN where the policy names its id or alias.
  return observed === desired || observed.endsWith(`/${desired}`) || observed.endsWith(`:${desired}`);
}

function encryptionText(e: { algorithm: string; kmsKeyId?: string } | null | undefined): string {
  if (!e) return 'none';
  return e.kmsKeyId ? `${e.algorithm} (key ${e.kmsKeyId})` : e.algorithm;
}

/** Lines describing lifecycle rules on the bucket that this tier does not own (kept untouched). */
export function keptLifecycleRules(desired: BucketSettings, observed: ObservedBucket): string[] {
  return (observed.lifecycle ?? [])
    .filter((rule) => !desired.ownedRuleIds.includes(rule.id))
    .map((rule) =>
      isStrataRuleId(rule.id)
        ? `keeps rule ${rule.id} (another Strata tier's, ${rule.prefix === '' ? 'whole bucket' : `prefix ${rule.prefix}`})`
        : `keeps foreign rule ${rule.id || '(no id)'} (${rule.prefix === '' ? 'whole bucket' : `prefix ${rule.prefix}`}): not created by Strata, left untouched`,
    );
}

function lifecycleChange(desired: BucketSettings, observed: ObservedBucket, creating: boolean): BucketChange | undefined {
  const current = (observed.lifecycle ?? []).filter((r) => desired.ownedRuleIds.includes(r.id));
  const detail: string[] = [];
  for (const rule of desired.lifecycle) {
    const found = current.find((r) => r.id === rule.id);
    if (!found) detail.push(...describeRule(rule).map((l, i) => (i === 0 ? `add ${l}` : l)));
    else {
      const diff = ruleDifferences(found, rule);
      if (diff.length > 0) detail.push(`change rule ${rule.id}:`, ...diff.map((d) => `  ${d}`));
    }
  }
  for (const rule of current) {
    if (!desired.lifecycle.some((r) => r.id === rule.id)) detail.push(`remove rule ${rule.id}`);
  }
  if (detail.length === 0) return undefined;
  const op = creating || current.length === 0 ? 'create' : 'update';
  return {
    kind: 'lifecycle',
    op,
    tier: desired.tier,
    bucket: desired.bucket,
    summary: `${op === 'create' ? 'add' : 'update'} lifecycle rules of tier ${desired.tier} on bucket ${desired.bucket}`,
    detail: [...detail, ...keptLifecycleRules(desired, observed)],
    write: { kind: 'lifecycle', ownedRuleIds: [...desired.ownedRuleIds], rules: desired.lifecycle.map((r) => structuredClone(r)) },
  };
}

/** The settings the bucket would have once created (nothing yet), so a new bucket gets every change. */
function freshBucket(observed: ObservedBucket, objectLock: boolean): ObservedBucket {
  return {
    bucket: observed.bucket,
    exists: true,
    versioning: objectLock ? 'Enabled' : 'Off',
    lifecycle: [],
    encryption: null,
    objectLock: { enabled: objectLock },
    unsupported: observed.unsupported,
    unreadable: {},
  };
}

function blocked(kind: BucketSettingKind, observed: ObservedBucket): boolean {
  return observed.unsupported.includes(kind) || observed.unreadable[kind] !== undefined;
}

/** Changes that bring the bucket to the tier's settings, in the order apply must make them. */
export function diffBucketSettings(desired: BucketSettings, observed: ObservedBucket): BucketChange[] {
  const changes: BucketChange[] = [];
  const creating = !observed.exists;
  const { tier, bucket } = desired;
  const lock = desired.objectLock !== undefined;
  if (creating) {
    changes.push({
      kind: 'create-bucket',
      op: 'create',
      tier,
      bucket,
      summary: `create bucket ${bucket}${lock ? ' with object lock' : ''}`,
      detail: lock ? [`object lock enabled at creation: tier ${tier} is immutable (${desired.objectLock!.mode.toLowerCase()}, ${desired.objectLock!.days} days)`] : [],
      write: { kind: 'create-bucket', objectLock: lock },
    });
  }
  const bucketNow = creating ? freshBucket(observed, lock) : observed;

  if (desired.versioning !== undefined && !blocked('versioning', bucketNow)) {
    const now = bucketNow.versioning ?? 'Off';
    const lockedOn = bucketNow.objectLock?.enabled === true;
    const wanted = desired.versioning;
    const needed = wanted === 'Enabled' ? now !== 'Enabled' : now === 'Enabled' && !lockedOn;
    if (needed) {
      changes.push({
        kind: 'versioning',
        op: now === 'Off' ? 'create' : 'update',
        tier,
        bucket,
        summary: `${wanted === 'Enabled' ? 'enable' : 'suspend'} versioning on bucket ${bucket}`,
        detail: [`versioning: ${now.toLowerCase()} → ${wanted.toLowerCase()}`, ...(lock ? ['object lock needs versioning'] : [])],
        write: { kind: 'versioning', status: wanted },
      });
    }
  }

  if (!blocked('lifecycle', bucketNow)) {
    const change = lifecycleChange(desired, bucketNow, creating);
    if (change) changes.push(change);
  }

  if (desired.encryption !== undefined && !blocked('encryption', bucketNow)) {
    const now = bucketNow.encryption;
    const same = now && now.algorithm === desired.encryption.algorithm && kmsMatches(now.kmsKeyId, desired.encryption.kmsKeyId);
    if (!same) {
      changes.push({
        kind: 'encryption',
        op: now ? 'update' : 'create',
        tier,
        bucket,
        summary: `set default encryption ${encryptionText(desired.encryption)} on bucket ${bucket}`,
        detail: [`default encryption: ${encryptionText(now)} → ${encryptionText(desired.encryption)}`],
        write: { kind: 'encryption', ...desired.encryption },
      });
    }
  }

  if (desired.objectLock !== undefined && !blocked('object-lock', bucketNow) && bucketNow.objectLock?.enabled) {
    const now = bucketNow.objectLock;
    const { mode, days } = desired.objectLock;
    if (now.mode !== mode || now.days !== days) {
      const before = now.mode ? `${now.mode.toLowerCase()} ${now.days ?? '?'} days` : 'none';
      changes.push({
        kind: 'object-lock',
        op: now.mode ? 'update' : 'create',
        tier,
        bucket,
        summary: `set default object lock retention ${mode.toLowerCase()} ${days} days on bucket ${bucket}`,
        detail: [`default retention: ${before} → ${mode.toLowerCase()} ${days} days`, 'applies to objects written from now on; existing objects keep their retention'],
        write: { kind: 'object-lock', mode, days },
      });
    }
  }
  return changes;
}

/** Settings the tier asks for that this bucket or endpoint cannot honour. */
export function bucketProblems(desired: BucketSettings, observed: ObservedBucket): BucketProblem[] {
  const problems: BucketProblem[] = [];
  const { tier, bucket } = desired;
  const wants: Record<BucketSettingKind, boolean> = {
    versioning: desired.versioning !== undefined,
    lifecycle: true,
    encryption: desired.encryption !== undefined,
    'object-lock': desired.objectLock !== undefined,
  };
  for (const kind of Object.keys(wants) as BucketSettingKind[]) {
    if (!wants[kind]) continue;
    const { what, field, permission } = WHAT[kind];
    if (observed.unsupported.includes(kind)) {
      problems.push({
        kind,
        tier,
        bucket,
        message: `the S3 endpoint of tier ${tier} does not support ${what} (bucket ${bucket}), so the tier cannot honour \`${field}\``,
        hint:
          kind === 'lifecycle'
            ? 'incomplete uploads of killed backups are then cleaned only by Strata (plan shows them as debris)'
            : `remove \`${field}\` from tier ${tier}, or use a store that supports ${what}`,
      });
    } else if (observed.unreadable[kind] !== undefined) {
      problems.push({
        kind,
        tier,
        bucket,
        message: `cannot read ${what} of bucket ${bucket} (tier ${tier}): ${observed.unreadable[kind]}`,
        hint: `grant the backup credentials ${permission} (and the matching Put permission) on ${bucket}`,
      });
    }
  }
  if (observed.exists && desired.objectLock && observed.objectLock && !observed.objectLock.enabled && !observed.unsupported.includes('object-lock')) {
    problems.push({
      kind: 'object-lock',
      tier,
      bucket,
      message: `bucket ${bucket} was created without object lock, so tier ${tier} cannot be immutable`,
      hint: 'object lock can only be enabled when a bucket is created on most S3 stores: point the tier at a new bucket (apply creates it with object lock); on AWS, an existing versioned bucket can also get it with `aws s3api put-object-lock-configuration`',
    });
  }
  if (observed.exists && desired.versioning === 'Suspended' && observed.objectLock?.enabled) {
    problems.push({
      kind: 'versioning',
      tier,
      bucket,
      message: `bucket ${bucket} has object lock, so its versioning cannot be suspended (tier ${tier} sets \`versioning: false\`)`,
      hint: `remove \`versioning: false\` from tier ${tier}`,
    });
  }
  return problems;
}

/** Everything the plan needs for one tier's bucket. */
export function planBucketSettings(desired: BucketSettings, observed: ObservedBucket): { changes: BucketChange[]; problems: BucketProblem[]; kept: string[] } {
  return { changes: diffBucketSettings(desired, observed), problems: bucketProblems(desired, observed), kept: keptLifecycleRules(desired, observed) };
}
