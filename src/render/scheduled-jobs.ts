// The jobs a policy installs as schedules: the single source for systemd units and the cron file, so both
// schedulers run the same commands at the same times. Pure and deterministic.
import { cadenceIntervalMs } from '../model/cadence.js';
import type { ResolvedCategory, ResolvedPolicy } from '../model/policy-model.js';

export type ScheduledJobName = 'backup' | 'backup-incremental' | 'verify' | 'prune';

export interface ScheduledJob {
  category: string;
  job: ScheduledJobName;
  /** `strata-<system>-<category>-<job>`: the systemd unit name without suffix. */
  unitName: string;
  /** 5-field cron expression, evaluated in `timezone`. */
  cron: string;
  timezone: string;
  /** Absolute executable, then its arguments. */
  command: string[];
  /** Why this job runs when it runs, for comments: "schedule.full", "verify.restore_test: weekly", … */
  origin: string;
  /** Human title, e.g. "backup", "incremental backup". */
  title: string;
}

/** Exit code of a run that found the system lock held (EX_TEMPFAIL; `EXIT.LOCKED` in src/cli/exit-codes.ts). */
export const LOCKED_EXIT_CODE = 75;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Derived jobs run at fixed UTC times so output is deterministic; each category gets its own minute so
// that the categories of one system do not all contend for the system lock at once.
const VERIFY_HOUR = 4;
const PRUNE_HOUR = 5;
const SLOT_MINUTES = 5;

function slotMinute(index: number, offset = 0): number {
  return (offset + index * SLOT_MINUTES) % 60;
}

/**
 * The calendar on which the verify timer fires for a cadence. Named cadences map to their calendar period;
 * a duration fires on the longest period not above it (at most hourly), and `strata run --job verify`
 * itself decides which checks are due, so a 14d cadence on a weekly timer runs every other week.
 */
function verifyCron(cadenceMs: number, index: number): string {
  const m = slotMinute(index);
  const h = VERIFY_HOUR;
  if (cadenceMs < DAY) return `${slotMinute(index, 30)} * * * *`;
  if (cadenceMs < 7 * DAY) return `${m} ${h} * * *`;
  if (cadenceMs < 30 * DAY) return `${m} ${h} * * 0`;
  if (cadenceMs < 91 * DAY) return `${m} ${h} 1 * *`;
  if (cadenceMs < 365 * DAY) return `${m} ${h} 1 1,4,7,10 *`;
  return `${m} ${h} 1 1 *`;
}

/** The most frequent periodic verification of a category (checksum or restore test), if any. */
function periodicVerification(category: ResolvedCategory): { kind: string; cadence: string; ms: number } | undefined {
  const candidates: { kind: string; cadence: string; ms: number }[] = [];
  for (const [kind, cadence] of [
    ['checksum', category.verify.checksum],
    ['restore_test', category.verify.restoreTest],
  ] as const) {
    const ms = cadenceIntervalMs(cadence);
    if (typeof ms === 'number') candidates.push({ kind, cadence, ms });
  }
  candidates.sort((a, b) => a.ms - b.ms || a.kind.localeCompare(b.kind));
  return candidates[0];
}

export function unitBaseName(system: string, category: string, job: ScheduledJobName): string {
  return `strata-${system}-${category}-${job}`;
}

/**
 * Every scheduled job of a policy, categories by name, then backup, backup-incremental, verify, prune.
 * Drills are not scheduled yet: `strata run` has no drill job in this release.
 */
export function listScheduledJobs(policy: ResolvedPolicy): ScheduledJob[] {
  const { strataBin, policyPath } = policy.scheduler;
  const categories = [...policy.categories].sort((a, b) => a.name.localeCompare(b.name));
  const jobs: ScheduledJob[] = [];
  categories.forEach((category, index) => {
    const make = (job: ScheduledJobName, runJob: string, cron: string, timezone: string, origin: string, title: string): ScheduledJob => ({
      category: category.name,
      job,
      unitName: unitBaseName(policy.system, category.name, job),
      cron,
      timezone,
      command: [strataBin, 'run', category.name, '--job', runJob, '--policies', policyPath],
      origin,
      title,
    });
    const tz = category.schedule.timezone || 'UTC';
    jobs.push(make('backup', 'backup', category.schedule.full, tz, 'schedule.full', 'backup'));
    if (category.schedule.incremental) {
      // `strata run --job backup` takes whatever backup is due; the separate timer keeps the incremental
      // cadence visible and lets it be disabled on its own.
      jobs.push(
        make('backup-incremental', 'backup', category.schedule.incremental, tz, 'schedule.incremental', 'incremental backup'),
      );
    }
    const verification = periodicVerification(category);
    if (verification) {
      jobs.push(
        make('verify', 'verify', verifyCron(verification.ms, index), 'UTC', `verify.${verification.kind}: ${verification.cadence}`, 'verification'),
      );
    }
    jobs.push(make('prune', 'prune', `${slotMinute(index)} ${PRUNE_HOUR} * * *`, 'UTC', 'daily retention', 'prune'));
  });
  return jobs;
}
