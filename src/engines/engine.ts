// The engine interface: one per source type. Engines produce and consume the raw (uncompressed,
// unencrypted) stream; the pipeline handles codecs and hashing, storage handles bytes at rest.
import type { Readable } from 'node:stream';
import type { Source } from '../generated/policy.js';
import type { ResolvedDataRef } from '../model/policy-model.js';
import type { SourceStats } from '../model/manifest.js';

export interface EngineBackup {
  /** The raw artifact stream. Consumers must read it to the end. */
  stream: Readable;
  /** Resolves with the source stats once the stream has ended; rejects if the source failed. */
  done: Promise<SourceStats>;
}

export interface BackupRequest {
  name: string;
  source: Source;
  data: ResolvedDataRef;
  /** Resolves `${env:…}` / `${file:…}` references on demand; throws a clear error naming the missing variable. */
  resolveSecret: (value: string) => string;
  signal?: AbortSignal;
  /**
   * What the engine left out and why, one line each (a socket a files backup cannot archive, a device node
   * a restore without root cannot create). The caller prints it; stats count it (`skipped`).
   */
  onWarning?: (message: string) => void;
}

export interface RestoreRequest extends BackupRequest {
  /** Target: a directory for files; a URL for databases. */
  target: string;
  /** Only restore entries matching these patterns. */
  only?: string[];
  /**
   * Restoring over the live source itself (the CLI took a pre-restore snapshot first, unless --no-snapshot),
   * or --drop: engines replace what is there (pg_restore --clean --if-exists, mongo drop; Redis removes the
   * target's keys first, only those matching `only` when given, so the result is exactly the backup's).
   */
  replace?: boolean;
  /**
   * Restore without the backup's owners and privileges: objects are owned by the connecting user and no
   * GRANT/REVOKE is replayed (PostgreSQL: pg_restore --no-owner --no-privileges). For a fresh server that
   * lacks the source's roles. Engines without owned objects ignore it.
   */
  noOwner?: boolean;
}

/**
 * What a scratch target left on a server or host, in a form that survives the process: restore tests
 * journal it in the state dir, so scratch databases and servers of a killed restore test can be removed
 * by a later run (Engine.removeScratch). Plain strings only; never credentials.
 */
export interface ScratchHandle {
  /** For plans and logs, e.g. `scratch databases strata_restore_test_1a2b3c4d_* on db.internal:5432`. */
  description: string;
  data: Record<string, string>;
}

/** Where a restore test restores to, and how to get rid of it afterwards. */
export interface ScratchTarget {
  /** A directory (files) or a URL of a scratch database/server (databases). Never logged when it holds credentials. */
  target: string;
  cleanup(): Promise<void>;
  /** Set when the target lives outside the scratch directory (a database, a server process). */
  handle?: ScratchHandle;
}

export interface Engine {
  readonly type: Source['type'];
  /** Raw format name recorded in the manifest, e.g. "tar". */
  readonly format: string;
  /** Every format this engine writes and restores, when there is more than `format` (e.g. chosen by source settings). */
  readonly formats?: readonly string[];
  /** The format a backup of this source writes, when it depends on the source's settings; defaults to `format`. */
  formatFor?(source: Source): string;
  readonly supportsIncremental: boolean;
  backup(request: BackupRequest): Promise<EngineBackup>;
  /**
   * Consume the raw stream and write it to the target. Returns the stats of what was restored. The input
   * errors instead of ending when it does not match the manifest (restoreBackup's gate,
   * src/pipeline/verify-digest.ts, verifies it as it flows), so an engine must read it to its end and make
   * nothing visible in the target (no commit, no rename into place; files: staged, then moved) before it has
   * ended cleanly; on an error the target keeps its previous content.
   */
  restore(request: RestoreRequest, input: Readable): Promise<SourceStats>;
  /** Compare restored stats with the manifest's. Returns human-readable differences (empty when equal). */
  compareStats(expected: SourceStats, actual: SourceStats): string[];
  /**
   * Prepare a scratch target for a restore test inside `scratchDir` (which the caller removes afterwards):
   * e.g. a scratch redis-server or a scratch database. Engines without one restore into `scratchDir` itself.
   */
  createScratchTarget?(request: BackupRequest, scratchDir: string): Promise<ScratchTarget>;
  /** Remove what a scratch target of an earlier, interrupted process left behind; a no-op when it is gone. */
  removeScratch?(request: BackupRequest, handle: ScratchHandle): Promise<void>;
  /** Check that the source is reachable, for `plan`'s source health. Throws a clear, secret-free error when not. */
  probe?(request: BackupRequest): Promise<void>;
}
