// Comparing a restore with its manifest. Keys with a TTL may legitimately expire between backup and
// restore, so: keys without TTL must match exactly; keys with a TTL must be restored or accounted for
// as `expired`; the sample digest (key-sample.ts) must match. `bytes` and `vanished` are informational.
import type { SourceStats } from '../../model/manifest.js';

export function compareRedisStats(expected: SourceStats, actual: SourceStats): string[] {
  const differences: string[] = [];
  if (expected.keys !== undefined) {
    if (actual.keys === undefined) {
      differences.push('keys: the restore could not count them');
    } else {
      const wantPersistent = expected.keys - (expected.expires ?? 0);
      const gotPersistent = actual.keys - (actual.expires ?? 0);
      if (wantPersistent !== gotPersistent) differences.push(`keys without a TTL: expected ${wantPersistent}, restored ${gotPersistent}`);
      const wantVolatile = expected.expires ?? 0;
      const gotVolatile = actual.expires ?? 0;
      const expired = actual.expired ?? 0;
      if (gotVolatile + expired !== wantVolatile) {
        differences.push(`keys with a TTL: expected ${wantVolatile}, restored ${gotVolatile}${expired > 0 ? ` (+${expired} expired since the backup)` : ''}`);
      }
    }
  }
  if (expected.sample_digest !== undefined) {
    if (actual.sample_digest === undefined) differences.push('sample_digest: the restored values could not be sampled');
    else if (actual.sample_digest !== expected.sample_digest) {
      differences.push(`sample_digest: the sampled values differ from the backup's (expected ${expected.sample_digest}, restored ${actual.sample_digest})`);
    }
  }
  return differences;
}
