// Rebuild a tier's catalogue from storage alone: every backup directory with a valid manifest and a
// matching artifact is an entry. A directory with a manifest whose artifact is missing or of the wrong size,
// or whose manifest cannot be read, is a damaged backup: the manifest says it was committed, so it is
// reported and never cleaned up. Everything else under the layout (no manifest) is debris, with the reason.
// Only directories shaped like the layout (<system>/<category>/<source>/<YYYY>/<MM>/<id>) are judged:
// other objects in the tier are not Strata's and are left alone. On S3, incomplete multipart uploads are debris
// too, and entries under object lock carry `locked_until` so prune can wait for the lock to end.
import { artifactKey, manifestKey, parseManifest, readText } from '../backup/manifest-io.js';
import type { CatalogEntry, DamagedBackup, Debris } from '../model/catalog.js';
import type { Manifest } from '../model/manifest.js';
import { isTempName } from '../storage/local/local-storage.js';
import type { IncompleteUpload, ObjectInfo, Storage } from '../storage/storage.js';

export interface TierScan {
  entries: CatalogEntry[];
  debris: Debris[];
  damaged: DamagedBackup[];
}

interface Verdict {
  entry?: CatalogEntry;
  damaged?: DamagedBackup;
  debris?: Debris;
}

function isBackupDir(dir: string): boolean {
  const parts = dir.split('/');
  return parts.length === 6 && /^\d{4}$/.test(parts[3]!) && /^\d{2}$/.test(parts[4]!) && parts.every((p) => p !== '');
}

function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

function debrisOf(tier: string, dir: string, objects: ObjectInfo[], reason: string): Debris {
  return {
    tier,
    dir,
    keys: objects.map((o) => o.key).sort(),
    bytes: objects.reduce((sum, o) => sum + o.size, 0),
    reason,
  };
}

function damagedOf(tier: string, dir: string, objects: ObjectInfo[], problem: string, manifest?: Manifest): DamagedBackup {
  const [system = '', category = '', source = ''] = dir.split('/');
  return {
    tier, dir, id: baseName(dir), system, category, source, ...(manifest ? { manifest } : {}), problem, found_by: 'scan',
    keys: objects.map((o) => o.key).sort(), bytes: objects.reduce((sum, o) => sum + o.size, 0),
  };
}

/** The manifest's verdict on the artifact beside it; undefined when the listing matches the manifest. */
function artifactProblem(manifest: Manifest, artifact: ObjectInfo | undefined): string | undefined {
  if (!artifact) return `artifact ${manifest.artifact} is missing`;
  if (artifact.size !== manifest.size) return `artifact ${manifest.artifact} is ${artifact.size} bytes, the manifest says ${manifest.size}`;
  return undefined;
}

async function judgeDirectory(storage: Storage, tier: string, dir: string, objects: ObjectInfo[]): Promise<Verdict> {
  const manifestObject = objects.find((o) => o.key === manifestKey(dir));
  if (!manifestObject) {
    const onlyTemp = objects.every((o) => isTempName(baseName(o.key)));
    return { debris: debrisOf(tier, dir, objects, onlyTemp ? 'no manifest: interrupted backup (temp files only)' : 'no manifest: interrupted or failed backup') };
  }
  const committed = objects.filter((o) => !isTempName(baseName(o.key)));
  const leftovers = objects.filter((o) => isTempName(baseName(o.key)));
  const verdict: Verdict = leftovers.length > 0 ? { debris: debrisOf(tier, dir, leftovers, 'left-over temp files beside a committed backup') } : {};
  let manifest: Manifest;
  try {
    // A read error propagates (the tier is unreadable); content that is not a manifest makes a damaged backup:
    // the artifact may be intact, and a manifest from a newer strata must never be deleted as debris.
    manifest = parseManifest(await readText(await storage.get(manifestObject.key)));
  } catch (error) {
    if (!(error as Error).message.startsWith('invalid manifest')) throw error;
    return { ...verdict, damaged: damagedOf(tier, dir, committed, `manifest cannot be read: ${(error as Error).message}`) };
  }
  if (manifest.id !== baseName(dir)) {
    return { ...verdict, damaged: damagedOf(tier, dir, committed, `invalid manifest: id ${manifest.id} does not match its directory`) };
  }
  const problem = artifactProblem(manifest, objects.find((o) => o.key === artifactKey(dir, manifest)));
  if (problem) return { ...verdict, damaged: damagedOf(tier, dir, committed, problem, manifest) };
  return { ...verdict, entry: { tier, dir, manifest } };
}

function addTo<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const slash = key.lastIndexOf('/');
  if (slash < 0) return;
  const dir = key.slice(0, slash);
  if (!isBackupDir(dir)) return;
  const group = groups.get(dir);
  if (group) group.push(item);
  else groups.set(dir, [item]);
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The latest object-lock expiry among `keys` (storages with object lock only), as ISO time. */
async function latestLock(storage: Storage, keys: string[]): Promise<string | undefined> {
  if (!storage.lockedUntil) return undefined;
  let latest: Date | undefined;
  for (const key of keys) {
    const until = await storage.lockedUntil(key);
    if (until && (!latest || until > latest)) latest = until;
  }
  return latest?.toISOString();
}

export async function scanTier(storage: Storage, tier: string, prefix: string): Promise<TierScan> {
  const groups = new Map<string, ObjectInfo[]>();
  for await (const object of storage.list(prefix)) addTo(groups, object.key, object);
  // S3: multipart uploads never completed (a killed backup) do not show up as objects, yet they are debris.
  const uploads = new Map<string, IncompleteUpload[]>();
  if (storage.listIncompleteUploads) {
    for await (const upload of storage.listIncompleteUploads(prefix)) addTo(uploads, upload.key, upload);
  }
  const entries: CatalogEntry[] = [];
  const debris: Debris[] = [];
  const damaged: DamagedBackup[] = [];
  const dirs = [...new Set([...groups.keys(), ...uploads.keys()])].sort();
  // Manifests are read a few at a time: on S3 each read is a round trip.
  const verdicts: Verdict[] = [];
  await forEachLimited([...dirs.keys()], 8, async (i) => {
    const dir = dirs[i]!;
    const objects = groups.get(dir) ?? [];
    verdicts[i] =
      objects.length > 0
        ? await judgeDirectory(storage, tier, dir, objects)
        : { debris: debrisOf(tier, dir, [], 'no manifest: interrupted backup (incomplete multipart upload only)') };
  });
  for (const [i, dir] of dirs.entries()) {
    const verdict = verdicts[i]!;
    const pending = uploads.get(dir);
    if (pending) {
      verdict.debris ??= debrisOf(tier, dir, [], 'incomplete multipart upload beside a committed backup');
      verdict.debris.uploads = pending.map((u) => ({ key: u.key, uploadId: u.uploadId, ...(u.initiated ? { initiated: u.initiated } : {}) }));
    }
    if (verdict.entry) entries.push(verdict.entry);
    if (verdict.damaged) damaged.push(verdict.damaged);
    if (verdict.debris) debris.push(verdict.debris);
  }
  // Object lock (S3): the manifest is written last, so its retention ends last. A few HEADs at a time.
  await forEachLimited(entries, 8, async (entry) => {
    const until = await latestLock(storage, [manifestKey(entry.dir)]);
    if (until) entry.locked_until = until;
  });
  await forEachLimited(debris, 8, async (d) => {
    const until = await latestLock(storage, d.keys);
    if (until) d.locked_until = until;
  });
  entries.sort((a, b) => a.manifest.started_at.localeCompare(b.manifest.started_at) || a.manifest.id.localeCompare(b.manifest.id));
  return { entries, debris, damaged };
}

export async function removeDebris(storage: Storage, debris: Debris): Promise<void> {
  if (debris.keys.length > 0) await storage.delete(debris.keys);
  for (const upload of debris.uploads ?? []) {
    if (!storage.abortIncompleteUpload) throw new Error(`tier ${debris.tier} cannot abort incomplete uploads (${storage.kind} storage)`);
    await storage.abortIncompleteUpload(upload);
  }
}
