// Rebuild a tier's catalogue from storage alone: every backup directory with a valid manifest and a
// matching artifact is an entry; everything else under the layout is debris, with the reason.
// Only directories shaped like the layout (<system>/<category>/<source>/<YYYY>/<MM>/<id>) are judged:
// other objects in the tier are not Strata's and are left alone.
import { artifactKey, manifestKey, parseManifest, readText } from '../backup/manifest-io.js';
import type { CatalogEntry, Debris } from '../model/catalog.js';
import { isTempName } from '../storage/local/local-storage.js';
import type { ObjectInfo, Storage } from '../storage/storage.js';

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

export async function scanTier(storage: Storage, tier: string, prefix: string): Promise<TierScan> {
  const groups = new Map<string, ObjectInfo[]>();
  for await (const object of storage.list(prefix)) {
    const slash = object.key.lastIndexOf('/');
    if (slash < 0) continue;
    const dir = object.key.slice(0, slash);
    if (!isBackupDir(dir)) continue;
    const group = groups.get(dir);
    if (group) group.push(object);
    else groups.set(dir, [object]);
  }
  const entries: CatalogEntry[] = [];
  const debris: Debris[] = [];
  for (const dir of [...groups.keys()].sort()) {
    const verdict = await judgeDirectory(storage, tier, dir, groups.get(dir)!);
    if (verdict.entry) entries.push(verdict.entry);
    if (verdict.debris) debris.push(verdict.debris);
  }
  entries.sort((a, b) => a.manifest.started_at.localeCompare(b.manifest.started_at) || a.manifest.id.localeCompare(b.manifest.id));
  return { entries, debris };
}

export async function removeDebris(storage: Storage, debris: Debris): Promise<void> {
  await storage.delete(debris.keys);
}
