// Options that only S3 can honour, and object locks that outlive the retention of the copies in the tier.
import type { Keep } from '../../generated/policy.js';
import { categoryEntries, report, type Rule } from './rule.js';

const S3_ONLY = [
  ['immutable', 'object lock needs an S3 bucket with object lock enabled'],
  ['storage_class', 'storage classes exist only in S3'],
  ['sse', 'server-side encryption is an S3 feature'],
  ['kms_key_id', 'KMS keys are an S3 feature'],
] as const;

/** Roughly how many days a keep rule retains a backup (restic semantics, counting buckets back from now). */
function retentionDays(keep: Keep): number {
  return Math.max((keep.hourly ?? 0) / 24, keep.daily ?? 0, (keep.weekly ?? 0) * 7, (keep.monthly ?? 0) * 30, (keep.yearly ?? 0) * 365);
}

export const tierCapabilities: Rule = (ctx) => {
  const out = [];
  for (const [name, tier] of Object.entries(ctx.raw.tiers)) {
    if (tier.storage.type !== 'local') continue;
    for (const [option, why] of S3_ONLY) {
      if (tier[option] === undefined) continue;
      out.push(
        report(ctx, {
          code: 'local-tier-s3-option',
          path: ['tiers', name, option],
          target: 'key',
          message: `tier \`${name}\` uses local storage, which cannot honour \`${option}\` (${why})`,
          hint: `move tier \`${name}\` to S3 storage, or remove \`${option}\``,
        }),
      );
    }
  }
  for (const [catName, cat] of categoryEntries(ctx)) {
    for (const [i, copy] of cat.copies.entries()) {
      const tier = ctx.raw.tiers[copy.tier];
      if (!tier?.immutable || tier.storage.type === 'local' || (copy.keep.last ?? 0) > 0) continue;
      const days = retentionDays(copy.keep);
      if (days <= 0 || days >= tier.immutable.days) continue;
      out.push(
        report(ctx, {
          severity: 'warning',
          code: 'lock-outlives-retention',
          path: ['categories', catName, 'copies', i, 'keep'],
          target: 'key',
          message: `tier \`${copy.tier}\` locks objects for ${tier.immutable.days} days, but copy ${i + 1} of category \`${catName}\` keeps backups for only about ${Math.round(days * 10) / 10} days; prunes will be refused until each lock expires`,
          hint: `keep backups for at least ${tier.immutable.days} days in this tier (e.g. \`monthly: ${Math.ceil(tier.immutable.days / 30)}\`), or shorten immutable.days`,
        }),
      );
    }
  }
  return out;
};
