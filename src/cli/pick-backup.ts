// Which backup a restore uses, and from which copies: an explicit id (any kind, pre-restore snapshots too),
// else the newest regular backup at or before --at, else the newest. Each backup lists its copies in tier
// order; a copy known to be damaged is listed with its problem, so the restore says why it skipped it.
// Pure: the restore command walks this list (older backups only with --fallback-older or a prompt).
import { isRegularBackup, type CatalogEntry, type DamagedBackup } from '../model/catalog.js';
import { parseDuration } from '../model/duration.js';
import { startedAtFromId } from '../model/layout.js';
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
    .filter((e) => isRegularBackup(e) && (!limit || e.manifest.started_at <= limit))
    .sort((a, b) => b.manifest.started_at.localeCompare(a.manifest.started_at))[0];
}

export interface CopyChoice {
  tier: string;
  /** A copy to try. */
  entry?: CatalogEntry;
  /** Why this copy is skipped without reading it. */
  skip?: string;
}

export interface BackupChoice {
  id: string;
  started_at: string;
  kind: string;
  /** Copies in the order to try them (the category's tier order). */
  copies: CopyChoice[];
}

export interface CandidateQuery {
  category: string;
  source: string;
  /** Tiers to read, in order. */
  tiers: readonly string[];
  id?: string;
  at?: Date;
  /** Tiers whose catalogue could not be read, with the reason: every backup lists them as skipped copies. */
  unreadable?: ReadonlyMap<string, string>;
}

/** Backups to restore, best first, each with its copies. Regular backups only, unless an id is named. */
export function restoreCandidates(entries: readonly CatalogEntry[], damaged: readonly DamagedBackup[], query: CandidateQuery): BackupChoice[] {
  const tierRank = new Map(query.tiers.map((t, i) => [t, i]));
  const mine = (x: { tier: string }, category: string, source: string) => tierRank.has(x.tier) && category === query.category && source === query.source;
  const byId = new Map<string, BackupChoice>();
  const choiceOf = (id: string, started: string, kind: string): BackupChoice => {
    let choice = byId.get(id);
    if (!choice) byId.set(id, (choice = { id, started_at: started, kind, copies: [] }));
    return choice;
  };
  const known = new Set(damaged.map((d) => `${d.tier}\0${d.id}`));
  for (const d of damaged) {
    if (!mine(d, d.category, d.source)) continue;
    choiceOf(d.id, d.manifest?.started_at ?? startedAtFromId(d.id) ?? '', d.manifest?.kind ?? 'unknown').copies.push({ tier: d.tier, skip: `damaged: ${d.problem}` });
  }
  for (const e of entries) {
    if (!mine(e, e.manifest.category, e.manifest.source) || known.has(`${e.tier}\0${e.manifest.id}`)) continue;
    const choice = choiceOf(e.manifest.id, e.manifest.started_at, e.manifest.kind);
    choice.started_at = e.manifest.started_at;
    choice.kind = e.manifest.kind;
    choice.copies.push({ tier: e.tier, entry: e });
  }
  const limit = query.at?.toISOString();
  const chosen = [...byId.values()].filter((c) =>
    // A copy whose manifest cannot be read (kind unknown) may be the newest backup: listed, so the restore says so.
    query.id ? c.id === query.id : c.kind !== 'pre-restore' && (!limit || c.started_at <= limit),
  );
  for (const c of chosen) {
    for (const [tier, reason] of query.unreadable ?? []) {
      if (tierRank.has(tier)) c.copies.push({ tier, skip: `the tier cannot be read: ${reason}` });
    }
  }
  for (const c of chosen) c.copies.sort((a, b) => (tierRank.get(a.tier) ?? 0) - (tierRank.get(b.tier) ?? 0));
  return chosen.sort((a, b) => b.started_at.localeCompare(a.started_at) || b.id.localeCompare(a.id));
}
