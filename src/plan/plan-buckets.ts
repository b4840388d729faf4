// Bucket settings of S3 tiers: the pure diff lives with the S3 storage; here it becomes actions, problems and notes.
import type { ResolvedPolicy } from '../model/policy-model.js';
import { desiredBucketSettings, planBucketSettings } from '../storage/s3/bucket-settings.js';
import type { ObservedSystem } from './observed-model.js';
import type { BucketAction, Problem } from './plan-model.js';

export function planBuckets(policy: ResolvedPolicy, observed: ObservedSystem): { actions: BucketAction[]; problems: Problem[]; notes: string[] } {
  const actions: BucketAction[] = [];
  const problems: Problem[] = [];
  const notes: string[] = [];
  for (const tier of Object.values(policy.tiers).sort((a, b) => a.name.localeCompare(b.name))) {
    if (tier.storage.type !== 's3') continue;
    const state = observed.buckets?.[tier.name];
    if (!state?.bucket) {
      if (state?.error) problems.push({ system: policy.system, tier: tier.name, message: `cannot read the settings of bucket ${tier.storage.bucket}: ${state.error}` });
      continue;
    }
    const plan = planBucketSettings(desiredBucketSettings(tier), state.bucket);
    for (const change of plan.changes) {
      actions.push({
        type: 'bucket', op: change.op, system: policy.system, tier: tier.name, bucket: change.bucket, kind: change.kind,
        detail: change.detail, write: change.write, reason: change.summary,
      });
    }
    for (const problem of plan.problems) {
      problems.push({ system: policy.system, tier: tier.name, message: problem.message, hint: problem.hint });
    }
    if (plan.kept.length > 0) {
      notes.push(`${policy.system}: bucket ${tier.storage.bucket} (tier ${tier.name}) has lifecycle rules strata did not write; they are left alone: ${plan.kept.join(', ')}`);
    }
  }
  return { actions, problems, notes };
}
