// Restore one backup. Pass 1 re-reads the stored artifact and checks its sha256 before anything is
// written (a copy that fails it is unusable: CopyUnusableError, so the caller can try another tier's copy);
// pass 2 streams it through decrypt → decompress → raw sha256 gate → engine.restore. The gate
// (createRawDigestGate) errors instead of ending when the decoded stream does not match the raw size/sha256
// recorded at backup time (or ends short), and engines commit only once their input has ended cleanly.
import { access, constants } from 'node:fs/promises';
import type { Source } from '../generated/policy.js';
import { getEngine } from '../engines/registry.js';
import type { CatalogEntry } from '../model/catalog.js';
import type { SourceStats } from '../model/manifest.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import { chainStreams, decodeStream, missingIdentityMessage } from '../pipeline/codecs.js';
import { createRawDigestGate } from '../pipeline/verify-digest.js';
import type { Storage } from '../storage/storage.js';
import { artifactKey } from './manifest-io.js';
import { createProgressReporter, type ProgressCallback } from './progress.js';
import { verifyChecksum } from './verify-checksum.js';

export const IDENTITY_ENV = 'STRATA_AGE_IDENTITY_FILE';

export interface RestoreBackupRequest {
  entry: CatalogEntry;
  storage: Storage;
  policy: ResolvedPolicy;
  /** Directory (files) or URL (databases) to restore into. */
  target: string;
  only?: string[];
  /** Replace the live source's data (see RestoreRequest.replace). */
  replace?: boolean;
  /** Restore without the backup's owners and privileges (see RestoreRequest.noOwner). */
  noOwner?: boolean;
  /** age identity file; defaults to $STRATA_AGE_IDENTITY_FILE. Needed for encrypted backups only. */
  identityFile?: string;
  resolveSecret: (value: string) => string;
  onProgress?: ProgressCallback;
  /** Verify the checksums and decode the whole stream (proving it can be decrypted), but write nothing. */
  dryRun?: boolean;
  /** Runs once the copy passed its checksum, just before anything is written (e.g. the pre-restore snapshot). */
  beforeWrite?: () => Promise<void>;
  signal?: AbortSignal;
  /** What the engine left out and why (see BackupRequest.onWarning). */
  onWarning?: (message: string) => void;
}

/** The copy in this tier is missing, short, unreadable or does not match its manifest; nothing was written. */
export class CopyUnusableError extends Error {
  constructor(
    message: string,
    readonly tier: string,
    readonly details: string[],
  ) {
    super(message);
    this.name = 'CopyUnusableError';
  }
}

export interface RestoreBackupResult {
  /** Stats of what was restored (the manifest's stats on a dry run). */
  stats: SourceStats;
  /** Wall time of both passes: the measured restore time. */
  durationMs: number;
  /** Raw (decoded) bytes. */
  bytes: number;
}

async function identityFor(request: RestoreBackupRequest): Promise<string | undefined> {
  const { manifest } = request.entry;
  if (manifest.codecs.encryption !== 'age') return undefined;
  const identity = request.identityFile ?? process.env[IDENTITY_ENV];
  if (!identity) throw new Error(`backup ${manifest.id}: ${missingIdentityMessage()}`);
  try {
    await access(identity, constants.R_OK);
  } catch {
    throw new Error(`backup ${manifest.id}: cannot read the age identity file ${identity}`);
  }
  return identity;
}

export function sourceForRestore(policy: ResolvedPolicy, entry: CatalogEntry): Source {
  // The policy may have changed since the backup (or this is a fresh host): the manifest decides the engine.
  const declared = policy.sources[entry.manifest.source];
  if (declared && declared.type === entry.manifest.source_type) return declared;
  return { type: entry.manifest.source_type } as Source;
}

export async function restoreBackup(request: RestoreBackupRequest): Promise<RestoreBackupResult> {
  const started = Date.now();
  const { entry, storage } = request;
  const { manifest } = entry;
  const engine = await getEngine(manifest.source_type);
  if (!(engine.formats ?? [engine.format]).includes(manifest.codecs.format)) {
    throw new Error(`backup ${manifest.id} is in format ${manifest.codecs.format}, which the ${engine.type} engine cannot read`);
  }
  const identity = await identityFor(request);

  const check = await verifyChecksum(entry, storage, request.signal);
  if (!check.ok) {
    throw new CopyUnusableError(
      `backup ${manifest.id} on tier ${entry.tier} failed its checksum verification; nothing was restored: ${check.details.join('; ')}`,
      entry.tier,
      check.details,
    );
  }
  if (!request.dryRun) await request.beforeWrite?.();

  const progress = createProgressReporter(request.dryRun ? 'verify' : 'restore', request.onProgress);
  const raw = createRawDigestGate(manifest, { onBytes: progress.update });
  const decoded = chainStreams(
    decodeStream(await storage.get(artifactKey(entry.dir, manifest)), manifest.codecs, identity, { signal: request.signal }),
    [raw],
  );
  let stats: SourceStats;
  if (request.dryRun) {
    for await (const chunk of decoded) void chunk;
    stats = { ...manifest.stats };
  } else {
    stats = await engine.restore(
      {
        name: manifest.source,
        source: sourceForRestore(request.policy, entry),
        data: { source: manifest.source, sourceType: manifest.source_type as Source['type'] },
        resolveSecret: request.resolveSecret,
        signal: request.signal,
        target: request.target,
        only: request.only,
        replace: request.replace,
        noOwner: request.noOwner,
        onWarning: request.onWarning,
      },
      decoded,
    );
  }
  progress.finish();
  const digest = raw.digest();
  if (digest.bytes !== manifest.raw_size || digest.sha256 !== manifest.raw_sha256) {
    throw new Error(
      `backup ${manifest.id}: the decoded stream (${digest.bytes} bytes, sha256 ${digest.sha256}) does not match the manifest ` +
        `(${manifest.raw_size} bytes, sha256 ${manifest.raw_sha256})${request.dryRun ? '' : `; do not trust what was restored`}`,
    );
  }
  return { stats, durationMs: Date.now() - started, bytes: digest.bytes };
}
