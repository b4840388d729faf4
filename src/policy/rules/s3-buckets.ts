// S3 bucket settings checked at PR time: settings that contradict each other (object lock without
// versioning, a KMS key without KMS), S3-only settings on local tiers, tiers that share a bucket but ask for
// different bucket-wide settings or even the same place, and object locks that make prunes wait.
import type { Tier } from '../../generated/policy.js';
import { normalizePrefix } from '../../storage/s3/s3-options.js';
import type { Diagnostic } from '../diagnostic.js';
import { report, type Rule, type RuleContext } from './rule.js';
import { copiesInTier, longest, roundDays, shortest } from './s3-retention-windows.js';

type S3Tier = Tier & { storage: Extract<Tier['storage'], { type: 's3' }> };

function s3Tiers(ctx: RuleContext): [string, S3Tier][] {
  return Object.entries(ctx.raw.tiers).filter((e): e is [string, S3Tier] => e[1].storage.type === 's3');
}

function checkTierOptions(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, tier] of Object.entries(ctx.raw.tiers)) {
    if (tier.storage.type === 'local') {
      for (const option of ['versioning', 'lifecycle'] as const) {
        if (tier[option] === undefined) continue;
        out.push(
          report(ctx, {
            code: 'local-tier-s3-option',
            path: ['tiers', name, option],
            target: 'key',
            message: `tier \`${name}\` uses local storage, which cannot honour \`${option}\` (bucket ${option} is an S3 feature)`,
            hint: `move tier \`${name}\` to S3 storage, or remove \`${option}\``,
          }),
        );
      }
      continue;
    }
    if (tier.immutable && tier.versioning === false) {
      out.push(
        report(ctx, {
          code: 'immutable-without-versioning',
          path: ['tiers', name, 'versioning'],
          message: `tier \`${name}\` is immutable but sets \`versioning: false\`; object lock needs versioning, and a bucket created with object lock cannot suspend it`,
          hint: 'remove `versioning: false` (immutable tiers always have versioning)',
        }),
      );
    }
    if (tier.kms_key_id !== undefined && tier.sse !== 'aws:kms') {
      out.push(
        report(ctx, {
          code: 'kms-key-without-kms',
          path: ['tiers', name, 'kms_key_id'],
          target: 'key',
          message: `tier \`${name}\` names a KMS key but its sse is ${tier.sse === undefined ? 'not set' : `\`${tier.sse}\``}, so the key would be ignored`,
          hint: 'set `sse: aws:kms`, or remove `kms_key_id`',
        }),
      );
    }
  }
  return out;
}

/** Bucket-wide settings of a tier; undefined where the tier leaves the bucket alone. */
function bucketWide(tier: S3Tier): { setting: string; value: string | undefined }[] {
  return [
    { setting: 'versioning', value: tier.immutable ? 'enabled' : tier.versioning === undefined ? undefined : tier.versioning ? 'enabled' : 'suspended' },
    { setting: 'default encryption (sse)', value: tier.sse === undefined ? undefined : `${tier.sse}${tier.kms_key_id ? ` ${tier.kms_key_id}` : ''}` },
    { setting: 'object lock (immutable)', value: tier.immutable ? `${tier.immutable.mode} ${tier.immutable.days} days` : 'none' },
  ];
}

function checkSharedBuckets(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Map<string, [string, S3Tier][]>();
  for (const [name, tier] of s3Tiers(ctx)) {
    const bucketKey = `${tier.storage.endpoint ?? ''}\u0000${tier.storage.bucket}`;
    const earlier = seen.get(bucketKey) ?? [];
    const where = `s3://${tier.storage.bucket}/${normalizePrefix(tier.storage.prefix)}`;
    const same = earlier.find(([, t]) => normalizePrefix(t.storage.prefix) === normalizePrefix(tier.storage.prefix));
    if (same) {
      out.push(
        report(ctx, {
          code: 'tier-location-shared',
          path: ['tiers', name, 'storage', 'bucket'],
          message: `tiers \`${same[0]}\` and \`${name}\` both store in ${where}; their catalogues and lifecycle rules would mix`,
          hint: `give tier \`${name}\` its own prefix (e.g. \`prefix: ${name}/\`) or bucket`,
        }),
      );
    } else {
      for (const [otherName, other] of earlier) {
        const mine = bucketWide(tier);
        const theirs = bucketWide(other);
        const clash = mine.find((m, i) => m.value !== undefined && theirs[i]!.value !== undefined && m.value !== theirs[i]!.value);
        if (!clash) continue;
        const theirValue = theirs.find((t) => t.setting === clash.setting)!.value;
        out.push(
          report(ctx, {
            code: 'bucket-settings-conflict',
            path: ['tiers', name, 'storage', 'bucket'],
            message: `tiers \`${otherName}\` and \`${name}\` share bucket ${tier.storage.bucket} but want different ${clash.setting}: ${theirValue} and ${clash.value}; bucket settings apply to the whole bucket`,
            hint: `give one of the tiers its own bucket, or align their ${clash.setting}`,
          }),
        );
        break;
      }
    }
    seen.set(bucketKey, [...earlier, [name, tier]]);
  }
  return out;
}

/** Locks longer than the shortest keep window: those prunes wait for the lock (the longest is lock-outlives-retention). */
function checkLockedPrunes(ctx: RuleContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, tier] of s3Tiers(ctx)) {
    if (!tier.immutable) continue;
    const days = tier.immutable.days;
    for (const copy of copiesInTier(ctx.raw, name)) {
      const cat = ctx.raw.categories[copy.category];
      if ((cat?.copies[copy.index]?.keep.last ?? 0) > 0) continue;
      const short = shortest(copy.windows);
      const long = longest(copy.windows);
      if (!short || !long || short.days >= days || long.days < days) continue;
      out.push(
        report(ctx, {
          severity: 'warning',
          code: 'lock-delays-prune',
          path: ['categories', copy.category, 'copies', copy.index, 'keep', short.label.split(':')[0]!],
          target: 'key',
          message: `tier \`${name}\` locks objects for ${days} days, but \`${short.label}\` in copy ${copy.index + 1} of category \`${copy.category}\` prunes backups after about ${roundDays(short.days)} days; those prunes wait until each lock ends, so the tier holds (and bills) about ${days} days of them`,
          hint: `lower immutable.days to ${Math.floor(short.days)} or less, or keep those backups for ${days} days`,
        }),
      );
    }
  }
  return out;
}

export const s3Buckets: Rule = (ctx) => [...checkTierOptions(ctx), ...checkSharedBuckets(ctx), ...checkLockedPrunes(ctx)];
