// Verifications that are due, by cadence, counted from the last recorded evidence.
import { cadenceIntervalMs } from '../model/cadence.js';
import { formatDuration } from '../model/duration.js';
import type { CatalogEntry } from '../model/catalog.js';
import type { VerificationRecord } from '../model/evidence.js';
import type { ResolvedCategory, ResolvedPolicy } from '../model/policy-model.js';
import type { ObservedSystem } from './observed-model.js';
import type { Problem, VerifyAction, VerifyCheck } from './plan-model.js';

interface VerifyInput {
  policy: ResolvedPolicy;
  category: ResolvedCategory;
  observed: ObservedSystem;
  /** Newest committed backup per source of the category. */
  newest: CatalogEntry[];
  backupPending: boolean;
  identityAvailable: boolean;
  now: Date;
}

function dueReason(check: VerifyCheck, cadence: string, record: VerificationRecord | undefined, input: VerifyInput): string | undefined {
  const interval = cadenceIntervalMs(cadence);
  if (interval === 'never') return undefined;
  if (interval === 'every-backup') {
    // The backup job verifies what it just wrote; only a backup that escaped verification needs an action.
    if (input.backupPending) return undefined;
    const evidence = input.observed.evidence[input.category.name];
    const covered = new Set((check === 'checksum' ? evidence?.checksummed_backup_ids : evidence?.verified_backup_ids) ?? record?.backup_ids ?? []);
    const unverified = input.newest.filter((e) => !covered.has(e.manifest.id)).map((e) => e.manifest.id);
    return unverified.length ? `newest backup ${unverified.join(', ')} not yet verified (${check}: every-backup)` : undefined;
  }
  if (!record) return `never run (${check}: ${cadence})`;
  const age = input.now.getTime() - new Date(record.at).getTime();
  if (!record.ok) return `last ${check} at ${record.at} failed`;
  // Timers fire on calendar boundaries while the last run finished a little after one: without slack a weekly
  // check that ran at 04:00:05 would not be due at 04:00:00 a week later, and would slip a whole week.
  const slack = Math.min(interval * 0.05, 3_600_000);
  if (age >= interval - slack) return `last ${check} ran ${formatDuration(age)} ago (${check}: ${cadence})`;
  return undefined;
}

export function planVerify(input: VerifyInput): { actions: VerifyAction[]; problems: Problem[] } {
  const { policy, category, observed } = input;
  const actions: VerifyAction[] = [];
  const problems: Problem[] = [];
  if (input.newest.length === 0 && !input.backupPending) return { actions, problems };
  const evidence = observed.evidence[category.name];
  const checks: [VerifyCheck, string, VerificationRecord | undefined][] = [
    ['checksum', category.verify.checksum, evidence?.checksum],
    ['restore_test', category.verify.restoreTest, evidence?.restore_test],
    ['drill', category.verify.drill, evidence?.drill],
  ];
  for (const [check, cadence, record] of checks) {
    const reason = dueReason(check, cadence, record, input);
    if (!reason) continue;
    if (check !== 'checksum' && category.recipients.length > 0 && !input.identityAvailable) {
      problems.push({
        system: policy.system,
        category: category.name,
        message: `${check} is due (${reason}) but no age identity is available to decrypt the backups`,
        hint: 'pass --identity FILE or set STRATA_AGE_IDENTITY_FILE on the host that runs verifications',
        kind: 'not-here',
      });
      continue;
    }
    actions.push({ type: 'verify', op: 'run', system: policy.system, category: category.name, check, reason });
  }
  return { actions, problems };
}

/**
 * `run CATEGORY --job verify --now`: every check the category configures, whatever is due, and always the
 * checksum of every copy (a responder who suspects damage asks for exactly that).
 */
export function planVerifyNow(policy: ResolvedPolicy, category: ResolvedCategory, identityAvailable: boolean): { actions: VerifyAction[]; problems: Problem[] } {
  const actions: VerifyAction[] = [];
  const problems: Problem[] = [];
  const checks: [VerifyCheck, string][] = [
    ['checksum', 'every-backup'],
    ['restore_test', category.verify.restoreTest],
    ['drill', category.verify.drill],
  ];
  for (const [check, cadence] of checks) {
    if (cadenceIntervalMs(cadence) === 'never') continue;
    const reason = check === 'checksum' ? '--now: read every copy of every backup' : `--now (${check}: ${cadence})`;
    if (check !== 'checksum' && category.recipients.length > 0 && !identityAvailable) {
      problems.push({
        system: policy.system, category: category.name,
        message: `${check} was asked for (--now) but no age identity is available to decrypt the backups`,
        hint: 'pass --identity FILE or set STRATA_AGE_IDENTITY_FILE on the host that runs verifications',
        kind: 'not-here',
      });
      continue;
    }
    actions.push({ type: 'verify', op: 'run', system: policy.system, category: category.name, check, reason });
  }
  return { actions, problems };
}
