// The catalogue: committed backups found in a tier, read from their manifests, and the backups whose
// manifest exists but whose artifact does not match it (damaged: reported, never cleaned up, never good).
import type { Manifest } from './manifest.js';

export interface CatalogEntry {
  tier: string;
  /** Key prefix of the backup directory, relative to the tier root. */
  dir: string;
  manifest: Manifest;
  /** ISO time until which object lock (S3) keeps this backup from being deleted; absent when not locked. */
  locked_until?: string;
}

/** Objects under a backup directory that has no manifest: a failed or killed backup. */
export interface Debris {
  tier: string;
  dir: string;
  keys: string[];
  bytes: number;
  /** Why these objects are not a backup, e.g. "no manifest (interrupted or failed backup)". */
  reason?: string;
  /** Incomplete multipart uploads (S3) under this directory; removing the debris aborts them. */
  uploads?: { key: string; uploadId: string; initiated?: string }[];
  /** ISO time until which object lock keeps some of these objects; removal fails before then. */
  locked_until?: string;
}

/**
 * A copy of a backup that cannot be trusted: its manifest exists (the backup was committed) but the artifact
 * is missing, short, unreadable or does not match the manifest, or the manifest itself cannot be read.
 * Found by a tier scan, or by a checksum verification that read the bytes. Never debris, never good.
 */
export interface DamagedBackup {
  tier: string;
  dir: string;
  /** The backup id: the directory name (the manifest may be unreadable). */
  id: string;
  /** From the layout <system>/<category>/<source>/…, so a damaged copy is reported even without a manifest. */
  system: string;
  category: string;
  source: string;
  /** The manifest, when it could be read. */
  manifest?: Manifest;
  /** What is wrong, e.g. "artifact data.tar.zst is missing". */
  problem: string;
  /** scan: seen in the tier's listing; checksum: a verification read the artifact at `at`. */
  found_by: 'scan' | 'checksum';
  at?: string;
  keys: string[];
  bytes: number;
}

/** Whether a backup is a regular (scheduled) one: pre-restore snapshots never count as the newest backup. */
export function isRegularBackup(entry: Pick<CatalogEntry, 'manifest'>): boolean {
  return entry.manifest.kind !== 'pre-restore';
}

export function isPreRestoreSnapshot(entry: Pick<CatalogEntry, 'manifest'>): boolean {
  return entry.manifest.kind === 'pre-restore';
}

/** The ids of the copies known to be damaged in `tier`, for filtering catalogue entries. */
export function damagedIdsIn(damaged: readonly DamagedBackup[], tier: string): Set<string> {
  return new Set(damaged.filter((d) => d.tier === tier).map((d) => d.id));
}
