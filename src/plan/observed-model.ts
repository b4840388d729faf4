// The observed state the planner compares policies with. Built by src/observe (I/O), consumed purely.
import type { CatalogEntry, DamagedBackup, Debris } from '../model/catalog.js';
import type { CategoryEvidence } from '../model/evidence.js';

export interface ObservedTier {
  location: string;
  /** Set when the tier could not be read (or, when local, not written); its categories get a problem instead of actions. */
  error?: string;
  /** The error says why the tier was not looked at (e.g. its endpoint's secret is not set here), not what it answered. */
  notChecked?: boolean;
  /** What else observe found out about a usable tier, e.g. that its directory or bucket does not exist yet. */
  detail?: string;
  entries: CatalogEntry[];
  debris: Debris[];
  /** Backups whose manifest exists but whose artifact is missing or short, or whose manifest is unreadable. */
  damaged?: DamagedBackup[];
}

export interface ObservedFiles {
  /** Current content of every file Strata manages or would write; null when absent. */
  [absolutePath: string]: string | null;
}

/** Settings Strata manages on a source (e.g. Redis persistence): what the policy wants and what the server has. */
export interface ObservedSourceSettings {
  desired: Record<string, string>;
  actual?: Record<string, string>;
  /** Why the settings could not be read (unreachable, CONFIG refused …). */
  error?: string;
}

/** Whether a source answered its engine's probe, or why it was not probed. */
export interface ObservedHealth {
  status: 'reachable' | 'unreachable' | 'not-checked';
  detail?: string;
  /** Not checked because a secret it needs is not set in this environment (PR CI), not because it failed. */
  secretMissing?: boolean;
}

/** An S3 tier's bucket as read by observe, or why it could not be read. */
export interface ObservedBucketState {
  bucket?: import('../storage/s3/bucket-settings.js').ObservedBucket;
  error?: string;
}

/** A restore test's scratch that its (killed or failed) run did not remove, from the state dir's journal. */
export interface ScratchLeftover {
  id: string;
  category: string;
  source: string;
  created_at: string;
  /** e.g. `scratch databases strata_restore_test_1a2b_* on db:5432`, and/or the scratch directory. */
  description: string;
}

export interface ObservedSystem {
  system: string;
  tiers: Record<string, ObservedTier>;
  /** Schedule files: desired paths plus strata-owned files found on disk. */
  schedules: ObservedFiles;
  /** Rendered files in the policy's render.dir (runbooks and the copy of the schedule files). */
  rendered: ObservedFiles;
  evidence: Record<string, CategoryEvidence>;
  /** Sources whose engine cannot run here, with the reason. */
  unavailableSources: Record<string, string>;
  /** Every source's probe result, by source name (absent in observed states made before plans showed health). */
  sourceHealth?: Record<string, ObservedHealth>;
  /** Managed source settings, by source name (only sources that declare some). */
  sourceSettings?: Record<string, ObservedSourceSettings>;
  /** Bucket settings per S3 tier. */
  buckets?: Record<string, ObservedBucketState>;
  /** Restore-test scratch left behind by runs that no longer exist. */
  scratch?: ScratchLeftover[];
}

export interface Observed {
  systems: Record<string, ObservedSystem>;
  /** Whether an age identity is available for restore tests of encrypted backups. */
  identityAvailable: boolean;
}

export interface DesiredFile {
  path: string;
  content: string;
}

export interface DesiredFiles {
  schedules: DesiredFile[];
  /** Everything in the policy's render.dir, laid out as `strata render` lays it out (see render/rendered-tree.ts). */
  runbooks: DesiredFile[];
}
