// Storage layout: <system>/<category>/<source>/<YYYY>/<MM>/<backup-id>/{artifact,manifest.json}.
// The catalogue can be rebuilt from storage alone, so these paths are a stable contract.
import { randomBytes } from 'node:crypto';

export function formatBackupId(at: Date, suffix: string = randomBytes(3).toString('hex')): string {
  const iso = at.toISOString(); // 2026-11-21T12:44:15.123Z
  const compact = iso.slice(0, 19).replace(/[-:]/g, '');
  return `${compact}Z-${suffix}`;
}

/** The start time a backup id embeds (20260105T100000Z-… → 2026-01-05T10:00:00.000Z), for a copy whose manifest cannot be read. */
export function startedAtFromId(id: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.000Z` : undefined;
}

export function backupDir(system: string, category: string, source: string, id: string, at: Date): string {
  const yyyy = String(at.getUTCFullYear());
  const mm = String(at.getUTCMonth() + 1).padStart(2, '0');
  return `${system}/${category}/${source}/${yyyy}/${mm}/${id}`;
}

export function categoryPrefix(system: string, category: string): string {
  return `${system}/${category}/`;
}

export function artifactName(format: string, compression: string, encrypted: boolean): string {
  const ext = compression === 'zstd' ? '.zst' : compression === 'gzip' ? '.gz' : '';
  return `data.${format}${ext}${encrypted ? '.age' : ''}`;
}
