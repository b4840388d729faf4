// restore_test: restore a backup into a fresh scratch directory, compare what was restored with the
// manifest's stats, and record the duration as the measured restore time. Failures become evidence
// (ok: false with the reason), not exceptions: a failed restore test is a finding.
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

export interface RestoreTestRequest {
  entry: CatalogEntry;
  storage: Storage;
  policy: ResolvedPolicy;
  identityFile?: string;
  resolveSecret: (value: string) => string;
  /** Where the scratch directory is made; defaults to the OS temp dir. */
  scratchRoot?: string;
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
  try {
    scratch = await mkdtemp(join(request.scratchRoot ?? tmpdir(), 'strata-restore-test-'));
    const engine = await getEngine(manifest.source_type);
    const source = sourceForRestore(request.policy, entry);
    target = engine.createScratchTarget
      ? await engine.createScratchTarget(
          { name: manifest.source, source, data: { source: manifest.source, sourceType: source.type }, resolveSecret: request.resolveSecret },
          scratch,
        )
      : { target: scratch, cleanup: async () => undefined };
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
    if (target) await target.cleanup().catch(() => undefined);
    if (scratch) await removeTree(scratch).catch(() => undefined);
  }
  record.at = now().toISOString();
  return record;
}
