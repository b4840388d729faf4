// Verification evidence per category in the state dir; status, runbooks and retention read it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CategoryEvidence, CopyCheck, DamagedCopyRecord, VerificationRecord } from '../model/evidence.js';
import { writeFileAtomic } from './write-file-atomic.js';

function evidencePath(stateDir: string, system: string, category: string): string {
  return join(stateDir, 'evidence', system, `${category}.json`);
}

export function emptyEvidence(): CategoryEvidence {
  return { verified_backup_ids: [] };
}

export async function readEvidence(stateDir: string, system: string, category: string): Promise<CategoryEvidence> {
  try {
    return { ...emptyEvidence(), ...(JSON.parse(await readFile(evidencePath(stateDir, system, category), 'utf8')) as CategoryEvidence) };
  } catch {
    return emptyEvidence();
  }
}

/** Fold a new record into the evidence. Pure. Keeps the verified ids bounded to the newest 100. */
export function addRecord(evidence: CategoryEvidence, record: VerificationRecord): CategoryEvidence {
  const next: CategoryEvidence = { ...evidence, [record.kind]: record };
  if (record.ok && record.kind !== 'checksum') {
    next.last_good_restore = record;
    next.verified_backup_ids = [...new Set([...evidence.verified_backup_ids, ...record.backup_ids])].slice(-100);
  }
  if (record.ok && record.kind === 'checksum') {
    next.checksummed_backup_ids = [...new Set([...(evidence.checksummed_backup_ids ?? []), ...record.backup_ids])].slice(-200);
  }
  if (record.copies?.length) {
    const damaged = foldCopyChecks(evidence.damaged_copies ?? [], record.copies, record.at);
    if (damaged.length > 0) next.damaged_copies = damaged;
    else delete next.damaged_copies;
  }
  return next;
}

/** Damaged copies after a checksum run: each copy it read is replaced by what it found now. Pure. */
export function foldCopyChecks(previous: readonly DamagedCopyRecord[], checks: readonly CopyCheck[], at: string): DamagedCopyRecord[] {
  const key = (c: { tier: string; backup_id: string }) => `${c.tier}\0${c.backup_id}`;
  const checked = new Set(checks.map(key));
  const kept = previous.filter((d) => !checked.has(key(d)));
  const found = checks
    .filter((c) => !c.ok)
    .map((c) => ({ tier: c.tier, backup_id: c.backup_id, source: c.source, problem: c.problem ?? 'checksum verification failed', at }));
  return [...kept, ...found].slice(-500);
}

export async function recordVerification(stateDir: string, record: VerificationRecord): Promise<CategoryEvidence> {
  const current = await readEvidence(stateDir, record.system, record.category);
  const next = addRecord(current, record);
  await writeFileAtomic(evidencePath(stateDir, record.system, record.category), JSON.stringify(next, null, 2) + '\n');
  return next;
}

/**
 * Fold checks of single copies (a verified copy over a damaged one) into the evidence without replacing the
 * last checksum record. Writes only when it changes which copies are damaged.
 */
export async function recordCopyChecks(stateDir: string, system: string, category: string, checks: CopyCheck[], at: string): Promise<void> {
  const current = await readEvidence(stateDir, system, category);
  const before = current.damaged_copies ?? [];
  const after = foldCopyChecks(before, checks, at);
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  const next: CategoryEvidence = { ...current };
  if (after.length > 0) next.damaged_copies = after;
  else delete next.damaged_copies;
  await writeFileAtomic(evidencePath(stateDir, system, category), JSON.stringify(next, null, 2) + '\n');
}
