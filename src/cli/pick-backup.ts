// Which backup a restore uses: an explicit id, the newest at or before --at, or the newest.
import type { CatalogEntry } from '../model/catalog.js';
import { parseDuration } from '../model/duration.js';
import { CliError, EXIT } from './exit-codes.js';

/** --at accepts an ISO time, or a duration meaning "that long ago" (e.g. 2h). */
export function parseAt(value: string, now: Date): Date {
  if (/^([0-9]+[smhdw])+$/.test(value)) return new Date(now.getTime() - parseDuration(value));
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new CliError(`cannot read --at ${value}`, EXIT.ERROR, 'use an ISO time like 2026-11-20T14:00:00Z or a duration like 2h (ago)');
  return new Date(parsed);
}

export function pickBackup(entries: readonly CatalogEntry[], opts: { id?: string; at?: Date }): CatalogEntry | undefined {
  if (opts.id) return entries.find((e) => e.manifest.id === opts.id);
  const limit = opts.at?.toISOString();
  return [...entries]
    .filter((e) => !limit || e.manifest.started_at <= limit)
    .sort((a, b) => b.manifest.started_at.localeCompare(a.manifest.started_at))[0];
}
