// The scratch journal: what a running restore test has created outside Strata's storage (a scratch
// directory, a scratch database on the source's server, a scratch redis-server). An entry is written
// before the restore starts and removed once the scratch is gone, so the entries left behind by a killed
// or failed run are exactly the leftovers: observe reads them, the plan lists them, apply removes them.
import { hostname } from 'node:os';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ScratchHandle } from '../engines/engine.js';
import { isProcessAlive } from '../exec/process-alive.js';
import { writeFileAtomic } from './write-file-atomic.js';

export interface ScratchRecord {
  id: string;
  system: string;
  category: string;
  source: string;
  source_type: string;
  created_at: string;
  host: string;
  pid: number;
  /** The local scratch directory (restored files, a scratch redis-server's files). */
  dir?: string;
  /** What the engine created elsewhere (databases, a server process). */
  handle?: ScratchHandle;
}

const ID = /^[A-Za-z0-9_-]{1,80}$/;

function journalDir(stateDir: string): string {
  return join(stateDir, 'scratch');
}

function recordPath(stateDir: string, id: string): string {
  if (!ID.test(id)) throw new Error(`invalid scratch id ${JSON.stringify(id)}`);
  return join(journalDir(stateDir), `${id}.json`);
}

export function newScratchRecord(fields: Omit<ScratchRecord, 'host' | 'pid'>): ScratchRecord {
  return { ...fields, host: hostname(), pid: process.pid };
}

export async function journalScratch(stateDir: string, record: ScratchRecord): Promise<void> {
  await writeFileAtomic(recordPath(stateDir, record.id), `${JSON.stringify(record, null, 2)}\n`, 0o600);
}

export async function forgetScratch(stateDir: string, id: string): Promise<void> {
  await rm(recordPath(stateDir, id), { force: true });
}

function isScratchRecord(value: unknown): value is ScratchRecord {
  const r = value as ScratchRecord;
  return typeof r === 'object' && r !== null && typeof r.id === 'string' && ID.test(r.id) && typeof r.system === 'string'
    && typeof r.category === 'string' && typeof r.source === 'string' && typeof r.source_type === 'string' && typeof r.pid === 'number';
}

/** Every journaled scratch (unreadable entries are skipped: the journal is advisory). */
export async function readScratchJournal(stateDir: string): Promise<ScratchRecord[]> {
  let names: string[];
  try {
    names = await readdir(journalDir(stateDir));
  } catch {
    return [];
  }
  const records: ScratchRecord[] = [];
  for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
    try {
      const parsed: unknown = JSON.parse(await readFile(join(journalDir(stateDir), name), 'utf8'));
      if (isScratchRecord(parsed) && `${parsed.id}.json` === name) records.push(parsed);
    } catch {
      // A torn or foreign file: ignore it rather than fail every plan.
    }
  }
  return records;
}

/** Whether the process that journaled `record` may still be using it (same host, pid alive). */
export function isScratchInUse(record: ScratchRecord, host = hostname(), alive: (pid: number) => boolean = isProcessAlive): boolean {
  return record.host === host && alive(record.pid);
}
