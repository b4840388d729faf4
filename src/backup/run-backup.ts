// One backup of one data ref: engine → raw hash → compress → encrypt → stored hash → first tier, in a
// single streaming pass; then the manifest (the commit marker) last; then a verified copy to each
// further tier. A failure before the manifest removes what was written (best effort); a kill leaves
// only manifest-less objects, which scanTier reports as debris. A pre-restore snapshot is the same backup
// with its own kind, recorded with the restore it was taken for, and stays on the first tier only.
import { createHash } from 'node:crypto';
import { getEngine } from '../engines/registry.js';
import type { CatalogEntry } from '../model/catalog.js';
import { artifactName, backupDir, formatBackupId } from '../model/layout.js';
import { MANIFEST_FORMAT_VERSION, type Manifest, type TakenFor } from '../model/manifest.js';
import type { ResolvedCategory, ResolvedDataRef, ResolvedPolicy } from '../model/policy-model.js';
import { STRATA_VERSION } from '../model/version.js';
import { chainStreams, encodeStream } from '../pipeline/codecs.js';
import { createHashCounter } from '../pipeline/hash-counter.js';
import type { Storage } from '../storage/storage.js';
import { removeQuietly } from './backup-files.js';
import { copyBackup } from './copy-backup.js';
import { manifestKey, manifestStream } from './manifest-io.js';
import { createProgressReporter, type ProgressCallback } from './progress.js';

export interface BackupRunRequest {
  policy: ResolvedPolicy;
  category: ResolvedCategory;
  data: ResolvedDataRef;
  /** Storage per tier name; must hold every tier of `category.copies`. */
  storages: Map<string, Storage>;
  resolveSecret: (value: string) => string;
  now?: () => Date;
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
  /** What the engine left out and why (see BackupRequest.onWarning). */
  onWarning?: (message: string) => void;
  /**
   * Further tiers with `every` whose period has passed, so they get this backup too (the caller has read
   * their catalogue). Tiers without `every` always get a copy.
   */
  dueTiers?: readonly string[];
  /** A pre-restore snapshot: the live data just before the restore in `takenFor`; never copied to further tiers. */
  preRestore?: { restoreOf: string };
}

export interface BackupRunResult {
  manifest: Manifest;
  /** Backup directory (key prefix) on every tier. */
  dir: string;
  /** The tiers that hold the backup: the first, then the copies made. */
  tiers: string[];
}

/** The backup is committed on the first tier, but a copy to a further tier failed. */
export class BackupCopyError extends Error {
  constructor(
    message: string,
    readonly manifest: Manifest,
    readonly dir: string,
    readonly failedTiers: string[],
  ) {
    super(message);
    this.name = 'BackupCopyError';
  }
}

/** sha256 of the recipient string, first 16 hex digits: identifies the key without exposing anything. */
export function recipientFingerprint(recipient: string): string {
  return createHash('sha256').update(recipient.trim()).digest('hex').slice(0, 16);
}

function storageOf(storages: Map<string, Storage>, tier: string): Storage {
  const storage = storages.get(tier);
  if (!storage) throw new Error(`no storage is open for tier "${tier}"`);
  return storage;
}

export async function runBackup(request: BackupRunRequest): Promise<BackupRunResult> {
  const { policy, category, data } = request;
  const now = request.now ?? (() => new Date());
  const label = `${policy.system}/${category.name}/${data.source}`;
  const [first, ...copies] = category.copies;
  if (!first) throw new Error(`backup of ${label}: the category keeps no copies`);
  const further = request.preRestore ? [] : copies.filter((copy) => copy.every === undefined || request.dueTiers?.includes(copy.tier));
  const storage = storageOf(request.storages, first.tier);
  for (const copy of further) storageOf(request.storages, copy.tier);
  const source = policy.sources[data.source];
  if (!source) throw new Error(`backup of ${label}: source "${data.source}" is not defined`);
  const engine = await getEngine(source.type);
  const recipients = category.recipients.map((r) => (r.includes('${') ? request.resolveSecret(r) : r).trim()).filter((r) => r !== '');

  const started = now();
  const id = formatBackupId(started);
  const dir = backupDir(policy.system, category.name, data.source, id, started);
  const format = engine.formatFor?.(source) ?? engine.format;
  const artifact = artifactName(format, category.compression, recipients.length > 0);
  const progress = createProgressReporter('backup', request.onProgress);

  let manifest: Manifest;
  try {
    const backup = await engine.backup({ name: data.source, source, data, resolveSecret: request.resolveSecret, signal: request.signal, onWarning: request.onWarning });
    const raw = createHashCounter({ onBytes: progress.update });
    const hashed = chainStreams(backup.stream, [raw]);
    const encoded = encodeStream(hashed, { compression: category.compression, level: category.compressionLevel, recipients }, { signal: request.signal });
    // No codec (compression none, no recipients) hands back its input: the stored bytes are the raw
    // bytes, and a second sha256 pass over them would only burn CPU the source server may need.
    const stored = encoded === hashed ? undefined : createHashCounter();
    const upload = stored ? chainStreams(encoded, [stored]) : encoded;
    // An engine may report failure only through `done`: make sure that also fails the upload.
    backup.done.catch((error: Error) => upload.destroy(error));
    const put = await storage.put(`${dir}/${artifact}`, upload);
    const stats = await backup.done;
    progress.finish();
    const rawDigest = raw.digest();
    const storedDigest = stored ? stored.digest() : rawDigest;
    if (put.bytes !== storedDigest.bytes) {
      throw new Error(`storage wrote ${put.bytes} bytes but the pipeline produced ${storedDigest.bytes}`);
    }
    manifest = {
      format_version: MANIFEST_FORMAT_VERSION,
      id,
      system: policy.system,
      category: category.name,
      source: data.source,
      source_type: source.type,
      kind: request.preRestore ? 'pre-restore' : 'full',
      ...(request.preRestore ? { taken_for: { restore_of: request.preRestore.restoreOf, at: started.toISOString() } satisfies TakenFor } : {}),
      started_at: started.toISOString(),
      finished_at: now().toISOString(),
      artifact,
      size: storedDigest.bytes,
      sha256: storedDigest.sha256,
      raw_size: rawDigest.bytes,
      raw_sha256: rawDigest.sha256,
      codecs: {
        format,
        compression: category.compression,
        ...(category.compression === 'none' ? {} : { compressionLevel: category.compressionLevel }),
        encryption: recipients.length > 0 ? 'age' : 'none',
      },
      recipient_fingerprints: recipients.map(recipientFingerprint),
      stats,
      strata_version: STRATA_VERSION,
    };
    if (request.signal?.aborted) throw new Error('backup aborted');
    // The commit marker: until this rename lands, the backup does not exist.
    await storage.put(manifestKey(dir), manifestStream(manifest));
  } catch (error) {
    await removeQuietly(storage, dir);
    throw new Error(`backup of ${label} to tier ${first.tier} failed: ${(error as Error).message}`, { cause: error });
  }

  const entry: CatalogEntry = { tier: first.tier, dir, manifest };
  const failures: { tier: string; reason: string }[] = [];
  for (const copy of further) {
    try {
      await copyBackup(entry, storage, storageOf(request.storages, copy.tier), copy.tier);
    } catch (error) {
      failures.push({ tier: copy.tier, reason: (error as Error).message });
    }
  }
  if (failures.length > 0) {
    // The first copy is good and stays: deleting it would lose the only backup of this run.
    throw new BackupCopyError(
      `backup ${id} of ${label} is committed on tier ${first.tier}, but copying it failed: ${failures.map((f) => f.reason).join('; ')}`,
      manifest,
      dir,
      failures.map((f) => f.tier),
    );
  }
  return { manifest, dir, tiers: [first.tier, ...further.map((copy) => copy.tier)] };
}
