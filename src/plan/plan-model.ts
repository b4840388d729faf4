// Plans are data: the planner produces them, views render them, apply executes them.
// The JSON form is versioned (format_version) and saved by `plan --out`. Minor versions only add fields:
// 1.1 added `health`.
export const PLAN_FORMAT_VERSION = '1.1';

export type ActionOp = 'create' | 'update' | 'delete' | 'run';
export type VerifyCheck = 'checksum' | 'restore_test' | 'drill';

interface ActionBase {
  system: string;
  reason: string;
}

export interface BackupAction extends ActionBase {
  type: 'backup';
  op: 'run';
  category: string;
  source: string;
  overdue: boolean;
}

export interface CopyAction extends ActionBase {
  type: 'copy';
  op: 'create';
  category: string;
  source: string;
  backup_id: string;
  from_tier: string;
  to_tier: string;
}

export interface PruneAction extends ActionBase {
  type: 'prune';
  op: 'delete';
  category: string;
  source: string;
  tier: string;
  backup_id: string;
  started_at: string;
}

export interface VerifyAction extends ActionBase {
  type: 'verify';
  op: 'run';
  category: string;
  check: VerifyCheck;
}

export interface FileAction extends ActionBase {
  type: 'schedule' | 'render';
  op: 'create' | 'update' | 'delete';
  path: string;
}

export interface CleanupAction extends ActionBase {
  type: 'cleanup';
  op: 'delete';
  tier: string;
  dir: string;
  bytes: number;
}

/** Remove what an interrupted restore test left (scratch databases, a scratch server, a scratch directory). */
export interface ScratchCleanupAction extends ActionBase {
  type: 'scratch';
  op: 'delete';
  category: string;
  source: string;
  scratch_id: string;
  description: string;
}

export interface SettingChange {
  key: string;
  from: string;
  to: string;
}

export interface SourceConfigAction extends ActionBase {
  type: 'source-config';
  op: 'update';
  source: string;
  changes: SettingChange[];
}

/** A bucket setting of an S3 tier (create, versioning, lifecycle, encryption, object lock). `write` is plain data. */
export interface BucketAction extends ActionBase {
  type: 'bucket';
  op: 'create' | 'update';
  tier: string;
  bucket: string;
  kind: string;
  detail: string[];
  /** What apply writes (a BucketWrite from src/storage/s3): plain data, so saved plans carry it exactly. */
  write: unknown;
}

export type Action = BackupAction | CopyAction | PruneAction | VerifyAction | FileAction | CleanupAction | ScratchCleanupAction | SourceConfigAction | BucketAction;

/** Why each surviving backup is kept, per category/source/tier: the answer to "why isn't it pruning?". */
export interface RetentionReport {
  system: string;
  category: string;
  source: string;
  tier: string;
  kept: { backup_id: string; started_at: string; reasons: string[]; pending?: boolean }[];
}

/** Something that stops part of the plan from running; it does not stop the rest. */
export interface Problem {
  system: string;
  category?: string;
  source?: string;
  tier?: string;
  /**
   * damaged-backup: a copy that cannot be trusted; reported loudly, but blocks no action.
   * not-here: the job cannot run in this environment because a secret or the age identity is not available
   * here (as in PR CI, which has neither). Shown, but not an error of the plan: the host that applies must
   * have them, and `apply`/`run` fail there if it does not.
   */
  kind?: 'damaged-backup' | 'not-here';
  message: string;
  hint?: string;
}

/**
 * Whether one source or tier answered when the plan looked at it. `not-checked` says why it was not looked at
 * (e.g. its secret is not set here, as in PR CI): that alone is no problem, but nothing was proven either.
 */
export type HealthStatus = 'reachable' | 'unreachable' | 'not-checked';

export interface HealthCheck {
  system: string;
  kind: 'source' | 'tier';
  name: string;
  /** Source type (redis, files …) or storage type (local, s3). */
  type: string;
  status: HealthStatus;
  /** Tiers only: where the tier is (never holds credentials). Sources have none: their URLs may hold secrets. */
  location?: string;
  /** The error (unreachable), why it was not checked (not-checked), or what was seen (reachable). */
  detail?: string;
}

export interface PlanSummary {
  add: number;
  change: number;
  destroy: number;
  run: number;
}

export interface Plan {
  format_version: typeof PLAN_FORMAT_VERSION;
  created_at: string;
  /** Digest of the policy files the plan was made from. */
  policy_digest: string;
  /** Digest of the observed state; apply refuses the plan when it no longer matches. */
  observed_digest: string;
  systems: string[];
  actions: Action[];
  retention: RetentionReport[];
  problems: Problem[];
  /** Health of every source and tier of every system, sources first (since format 1.1). */
  health: HealthCheck[];
  /** Things worth knowing that need no action, e.g. foreign lifecycle rules left alone. */
  notes?: string[];
  summary: PlanSummary;
}
