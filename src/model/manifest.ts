// The manifest sits beside each artifact and is the commit marker: a backup without one does not exist.
export const MANIFEST_FORMAT_VERSION = 1;
export const MANIFEST_NAME = 'manifest.json';

export type SourceStats = Record<string, number>;

export interface ManifestCodecs {
  /** Raw format produced by the engine, e.g. "tar", "rdb", "pgdump". */
  format: string;
  compression: 'zstd' | 'gzip' | 'none';
  compressionLevel?: number;
  encryption: 'age' | 'none';
}

/**
 * full / incremental: a scheduled backup. pre-restore: the live data captured just before a restore wrote
 * over it, kept only as a way back: a default restore never picks it, it never counts for the RPO, it is
 * never copied to other tiers, and it is pruned after its own window (`pre_restore_keep`).
 */
export type BackupKind = 'full' | 'incremental' | 'pre-restore';
export const BACKUP_KINDS: readonly BackupKind[] = ['full', 'incremental', 'pre-restore'];

/** The restore a pre-restore snapshot was taken for. */
export interface TakenFor {
  /** Id of the backup that restore wrote over the live data. */
  restore_of: string;
  /** ISO time the snapshot was taken, just before that restore. */
  at: string;
}

export interface Manifest {
  format_version: typeof MANIFEST_FORMAT_VERSION;
  id: string;
  system: string;
  category: string;
  source: string;
  source_type: string;
  kind: BackupKind;
  /** Present on pre-restore snapshots only. */
  taken_for?: TakenFor;
  started_at: string;
  finished_at: string;
  /** File name of the artifact in the same directory. */
  artifact: string;
  /** Bytes and sha256 of the stored (compressed, encrypted) artifact. */
  size: number;
  sha256: string;
  /** Bytes and sha256 of the raw engine stream, before compression and encryption. */
  raw_size: number;
  raw_sha256: string;
  codecs: ManifestCodecs;
  /** sha256 fingerprints (first 16 hex chars) of the age recipients; never the keys' owners' secrets. */
  recipient_fingerprints: string[];
  stats: SourceStats;
  strata_version: string;
}
