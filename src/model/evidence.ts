// Verification evidence kept in the state directory; status and runbooks show it, retention protects it.
export type VerificationKind = 'checksum' | 'restore_test' | 'drill';

/** One copy (backup id in one tier) that a checksum verification read, and what it found. */
export interface CopyCheck {
  tier: string;
  backup_id: string;
  source: string;
  ok: boolean;
  /** What is wrong with the copy; absent when ok. */
  problem?: string;
}

/** A copy whose last checksum verification failed: damaged until a later verification of it passes. */
export interface DamagedCopyRecord {
  tier: string;
  backup_id: string;
  source: string;
  problem: string;
  /** ISO time of the verification that found it. */
  at: string;
}

export interface VerificationRecord {
  kind: VerificationKind;
  system: string;
  category: string;
  /** ISO time the verification finished. */
  at: string;
  ok: boolean;
  /** Backups (ids) that this verification covered. */
  backup_ids: string[];
  tier?: string;
  /** Restore duration (restore_test, drill): the measured restore time. */
  duration_ms?: number;
  /** Raw bytes restored, for the throughput. */
  bytes?: number;
  /** Human-readable findings; empty when ok. */
  details: string[];
  /** Problems that do not make the verification fail (e.g. a scratch database that could not be dropped). */
  warnings?: string[];
  /** checksum: every copy read, so the evidence knows which copies are damaged and which were repaired. */
  copies?: CopyCheck[];
}

export interface CategoryEvidence {
  checksum?: VerificationRecord;
  restore_test?: VerificationRecord;
  drill?: VerificationRecord;
  /** Newest successful restore_test or drill, for RTO comparisons. */
  last_good_restore?: VerificationRecord;
  /** Ids of every backup that passed a restore_test or drill (retention keeps the newest of them). */
  verified_backup_ids: string[];
  /** Ids of every backup whose copies passed a checksum verification (bounded to the newest 200). */
  checksummed_backup_ids?: string[];
  /** Copies whose newest checksum verification failed (bounded to 500); a passing check of the copy removes it. */
  damaged_copies?: DamagedCopyRecord[];
}
