// How long before the first byte of a backup can be read back from a tier, by S3 storage class, as AWS
// documents it ("Understanding archive retrieval options", Amazon S3 User Guide,
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html):
// - S3 Glacier Flexible Retrieval (GLACIER): objects must be restored first. Expedited: "typically made
//   available within 1–5 minutes" for objects under 250 MB, capacity not guaranteed without provisioned
//   capacity; Standard, the default when a request names no tier: "typically finish within 3–5 hours";
//   Bulk: 5–12 hours.
// - S3 Glacier Deep Archive (DEEP_ARCHIVE): no Expedited; Standard "typically finish within 12 hours";
//   Bulk within 48 hours.
// - S3 Glacier Instant Retrieval (GLACIER_IR): "immediately available using GET" (millisecond access), as
//   are STANDARD, STANDARD_IA, ONEZONE_IA and INTELLIGENT_TIERING's default access tiers.
// Strata cannot read an archived object itself: a restore from GLACIER or DEEP_ARCHIVE waits for
// `aws s3api restore-object` (the runbook's manual step, Standard retrieval), so Standard's upper bound is
// the figure that counts against the RTO.
import type { ResolvedTier } from '../../model/policy-model.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface Retrieval {
  /** Storage class, or `local`. */
  storage: string;
  /** Time before the data can be read, upper bound of the documented typical range (0: at once). */
  waitMs: number;
  /** The documented figure, for messages: "Standard retrieval typically takes 3–5 h". */
  documented?: string;
  /** A faster retrieval option, if the class has one, and its typical upper bound. */
  faster?: { text: string; waitMs: number };
}

const ARCHIVED: Record<string, Omit<Retrieval, 'storage'>> = {
  GLACIER: {
    waitMs: 5 * HOUR,
    documented: 'Standard retrieval typically takes 3–5 h',
    faster: { text: 'Expedited retrieval (1–5 min, not guaranteed without provisioned capacity)', waitMs: 5 * MINUTE },
  },
  DEEP_ARCHIVE: { waitMs: 12 * HOUR, documented: 'Standard retrieval typically takes up to 12 h' },
};

/** The wait before a backup written to this tier can be read back. */
export function retrievalOf(tier: ResolvedTier): Retrieval {
  if (tier.storage.type === 'local') return { storage: 'local', waitMs: 0 };
  const storageClass = tier.storageClass ?? 'STANDARD';
  const archived = ARCHIVED[storageClass];
  return archived ? { storage: storageClass, ...archived } : { storage: storageClass, waitMs: 0 };
}
