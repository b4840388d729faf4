// The catalogue: committed backups found in a tier, read from their manifests.
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
