// Verification evidence per category in the state dir; status, runbooks and retention read it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CategoryEvidence, VerificationRecord } from '../model/evidence.js';
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
  return next;
}

export async function recordVerification(stateDir: string, record: VerificationRecord): Promise<CategoryEvidence> {
  const current = await readEvidence(stateDir, record.system, record.category);
  const next = addRecord(current, record);
  await writeFileAtomic(evidencePath(stateDir, record.system, record.category), JSON.stringify(next, null, 2) + '\n');
  return next;
}
