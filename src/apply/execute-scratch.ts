// Remove what an interrupted restore test left: the engine's scratch (databases on the source's server,
// a scratch redis-server) and the local scratch directory, then the journal entry. The journal is in
// the state dir, but a directory is only removed when its name is one restore tests create.
import { basename } from 'node:path';
import { removeTree } from '../backup/remove-tree.js';
import { SCRATCH_DIR_PREFIX } from '../backup/restore-test.js';
import { getEngine } from '../engines/registry.js';
import type { ScratchCleanupAction } from '../plan/plan-model.js';
import { forgetScratch, readScratchJournal } from '../state/scratch-journal.js';
import type { ApplyContext, SystemContext } from './apply-context.js';

export async function executeScratchCleanup(action: ScratchCleanupAction, system: SystemContext, ctx: ApplyContext): Promise<void> {
  const record = (await readScratchJournal(ctx.stateDir)).find((r) => r.id === action.scratch_id);
  if (!record) return;
  if (record.handle) {
    const source = system.policy.sources[record.source];
    if (!source || source.type !== record.source_type) {
      throw new Error(
        `source ${record.source} (${record.source_type}) is no longer in the policy, so Strata cannot reach ${record.handle.description}: ` +
          `remove it by hand, then delete ${ctx.stateDir}/scratch/${record.id}.json`,
      );
    }
    const engine = await getEngine(source.type);
    if (!engine.removeScratch) throw new Error(`the ${source.type} engine cannot remove ${record.handle.description}`);
    await engine.removeScratch({ name: record.source, source, data: { source: record.source, sourceType: source.type }, resolveSecret: ctx.resolveSecret }, record.handle);
  }
  if (record.dir) {
    if (!basename(record.dir).startsWith(SCRATCH_DIR_PREFIX)) throw new Error(`refusing to remove ${record.dir}: not a restore-test scratch directory`);
    await removeTree(record.dir);
  }
  await forgetScratch(ctx.stateDir, record.id);
}
