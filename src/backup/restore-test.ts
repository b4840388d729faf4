// restore_test: restore a backup into a fresh scratch directory, compare what was restored with the
// manifest's stats, and record the duration as the measured restore time. Failures become evidence
// (ok: false with the reason), not exceptions: a failed restore test is a finding.
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEngine } from '../engines/registry.js';
import type { CatalogEntry } from '../model/catalog.js';
import type { VerificationRecord } from '../model/evidence.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { Storage } from '../storage/storage.js';
import { removeTree } from './remove-tree.js';
import { restoreBackup, sourceForRestore } from './restore-backup.js';
import type { ScratchTarget } from '../engines/engine.js';
import { forgetScratch, journalScratch, newScratchRecord, type ScratchRecord } from '../state/scratch-journal.js';

/** Restore tests' scratch directories start with this; cleanup of a journaled leftover checks it. */
export const SCRATCH_DIR_PREFIX = 'strata-restore-test-';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface RestoreTestRequest {
  entry: CatalogEntry;
  storage: Storage;
  policy: ResolvedPolicy;
  identityFile?: string;
  resolveSecret: (value: string) => string;
  /** Where the scratch directory is made; defaults to the OS temp dir. */
  scratchRoot?: string;
  /**
   * The state dir whose scratch journal records the scratch while it exists, so that a killed run's
   * leftovers (scratch databases, a scratch redis-server, restored files) are planned for removal.
   */
  stateDir?: string;
  now?: () => Date;
  signal?: AbortSignal;
}

export async function restoreTest(request: RestoreTestRequest): Promise<VerificationRecord> {
  const { entry } = request;
  const { manifest } = entry;
  const now = request.now ?? (() => new Date());
  const record: VerificationRecord = {
    kind: 'restore_test',
    system: manifest.system,
    category: manifest.category,
    at: now().toISOString(),
    ok: false,
    backup_ids: [manifest.id],
    tier: entry.tier,
    details: [],
  };
  let scratch: string | undefined;
  let target: ScratchTarget | undefined;
  let journaled: ScratchRecord | undefined;
  const scratchId = `${now().toISOString().replace(/\D/g, '').slice(0, 14)}-${randomBytes(4).toString('hex')}`;
  const journal = async (): Promise<void> => {
    if (!request.stateDir || !scratch) return;
    journaled = newScratchRecord({
      id: scratchId,
      system: manifest.system, category: manifest.category, source: manifest.source, source_type: manifest.source_type,
      created_at: now().toISOString(), dir: scratch, ...(target?.handle ? { handle: target.handle } : {}),
    });
    await journalScratch(request.stateDir, journaled);
  };
  try {
    scratch = await mkdtemp(join(request.scratchRoot ?? tmpdir(), SCRATCH_DIR_PREFIX));
    await journal();
    const engine = await getEngine(manifest.source_type);
    const source = sourceForRestore(request.policy, entry);
    target = engine.createScratchTarget
      ? await engine.createScratchTarget(
          { name: manifest.source, source, data: { source: manifest.source, sourceType: source.type }, resolveSecret: request.resolveSecret },
          scratch,
        )
      : { target: scratch, cleanup: async () => undefined };
    // Journal the engine's handle before anything is created from it (databases appear on restore).
    if (target.handle) await journal();
    const result = await restoreBackup({
      entry,
      storage: request.storage,
      policy: request.policy,
      target: target.target,
      identityFile: request.identityFile,
      resolveSecret: request.resolveSecret,
      signal: request.signal,
    });
    record.duration_ms = result.durationMs;
    record.bytes = result.bytes;
    record.details = (await getEngine(manifest.source_type)).compareStats(manifest.stats, result.stats);
    record.ok = record.details.length === 0;
  } catch (error) {
    record.details = [(error as Error).message];
  } finally {
    const leftovers: string[] = [];
    if (target) await target.cleanup().catch((error: unknown) => leftovers.push(`${target?.handle?.description ?? 'scratch target'}: ${messageOf(error)}`));
    if (scratch) await removeTree(scratch).catch((error: unknown) => leftovers.push(`scratch directory ${scratch}: ${messageOf(error)}`));
    if (leftovers.length > 0) {
      record.warnings = leftovers.map((l) => `could not remove ${l} (the next plan lists it for cleanup)`);
    } else if (journaled && request.stateDir) {
      await forgetScratch(request.stateDir, journaled.id).catch(() => undefined);
    }
  }
  record.at = now().toISOString();
  return record;
}
