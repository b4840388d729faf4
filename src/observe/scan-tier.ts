// Rebuild a tier's catalogue from storage alone: every backup directory with a valid manifest and a
// matching artifact is an entry; everything else under the layout is debris, with the reason.
// Only directories shaped like the layout (<system>/<category>/<source>/<YYYY>/<MM>/<id>) are judged:
// other objects in the tier are not Strata's and are left alone. On S3, incomplete multipart uploads are debris
// too, and entries under object lock carry `locked_until` so prune can wait for the lock to end.
import { artifactKey, manifestKey, parseManifest, readText } from '../backup/manifest-io.js';
import type { CatalogEntry, Debris } from '../model/catalog.js';
import { isTempName } from '../storage/local/local-storage.js';
import type { IncompleteUpload, ObjectInfo, Storage } from '../storage/storage.js';

export interface TierScan {
  entries: CatalogEntry[];
  debris: Debris[];
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

async function judgeDirectory(storage: Storage, tier: string, dir: string, objects: ObjectInfo[]): Promise<{ entry?: CatalogEntry; debris?: Debris }> {
  const manifestObject = objects.find((o) => o.key === manifestKey(dir));
  if (!manifestObject) {
    const onlyTemp = objects.every((o) => isTempName(baseName(o.key)));
    return { debris: debrisOf(tier, dir, objects, onlyTemp ? 'no manifest: interrupted backup (temp files only)' : 'no manifest: interrupted or failed backup') };
  }
  let manifest;
  try {
    // A read error propagates (the tier is unreadable); only content that is not a manifest becomes debris.
    const text = await readText(await storage.get(manifestObject.key));
    manifest = parseManifest(text);
  } catch (error) {
    if (!(error as Error).message.startsWith('invalid manifest')) throw error;
    return { debris: debrisOf(tier, dir, objects, (error as Error).message) };
  }
  if (manifest.id !== baseName(dir)) {
    return { debris: debrisOf(tier, dir, objects, `invalid manifest: id ${manifest.id} does not match its directory`) };
  }
  const artifact = objects.find((o) => o.key === artifactKey(dir, manifest));
  if (!artifact) {
    return { debris: debrisOf(tier, dir, objects, `manifest without its artifact ${manifest.artifact}`) };
  }
  if (artifact.size !== manifest.size) {
    return { debris: debrisOf(tier, dir, objects, `artifact ${manifest.artifact} is ${artifact.size} bytes, the manifest says ${manifest.size}`) };
  }
  const leftovers = objects.filter((o) => o !== artifact && o !== manifestObject && isTempName(baseName(o.key)));
  return {
    entry: { tier, dir, manifest },
    debris: leftovers.length > 0 ? debrisOf(tier, dir, leftovers, 'left-over temp files beside a committed backup') : undefined,
  };
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
  const dirs = [...new Set([...groups.keys(), ...uploads.keys()])].sort();
  // Manifests are read a few at a time: on S3 each read is a round trip.
  const verdicts: Awaited<ReturnType<typeof judgeDirectory>>[] = [];
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
  return { entries, debris };
}

export async function removeDebris(storage: Storage, debris: Debris): Promise<void> {
  if (debris.keys.length > 0) await storage.delete(debris.keys);
  for (const upload of debris.uploads ?? []) {
    if (!storage.abortIncompleteUpload) throw new Error(`tier ${debris.tier} cannot abort incomplete uploads (${storage.kind} storage)`);
    await storage.abortIncompleteUpload(upload);
  }
}
