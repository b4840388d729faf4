// Execute a plan's actions in order, with listr2 progress (bytes and MB/s on transfers) on a TTY and plain
// lines otherwise. One failed action does not stop the others, except that a category/source whose backup
// failed is never pruned in the same run: the newest good backup must survive a failed backup.
import { Listr, type ListrTaskWrapper } from 'listr2';
import { describeTarget } from '../plan/describe-action.js';
import type { Action, Plan } from '../plan/plan-model.js';
import type { ApplyContext, SystemContext } from './apply-context.js';
import { executeBackup } from './execute-backup.js';
import { executeCleanup, executeCopy, executePrune } from './execute-catalog.js';
import { activateSchedules, executeFileAction, refreshRunbooks } from './execute-files.js';
import { executeScratchCleanup } from './execute-scratch.js';
import { executeVerify } from './execute-verify.js';
import { formatThroughput } from './format-throughput.js';
import { computeDesiredFiles } from '../observe/desired-files.js';
import { readEvidence } from '../state/evidence-store.js';
import { sourceSettingsHandler } from '../engines/source-settings.js';
import { applyBucketWrite } from '../storage/s3/bucket-settings-io.js';
import type { BucketWrite } from '../storage/s3/bucket-settings.js';
import { S3Storage } from '../storage/s3/s3-storage.js';

export interface ActionResult {
  action: Action;
  status: 'done' | 'failed' | 'skipped';
  message?: string;
}

export interface ApplyOutcome {
  ok: boolean;
  results: ActionResult[];
  notes: string[];
}

export interface ApplyOptions {
  /** 'auto' picks listr2's default renderer on a TTY and plain lines otherwise. */
  renderer?: 'auto' | 'plain' | 'silent';
}

type Task = ListrTaskWrapper<unknown, never, never>;

function throttledProgress(task: { title: string }, base: string) {
  const started = Date.now();
  let last = 0;
  return (phase: string, bytes: number) => {
    const now = Date.now();
    if (now - last < (process.stderr.isTTY ? 250 : 5000)) return;
    last = now;
    task.title = `${base} — ${phase} ${formatThroughput(bytes, now - started)}`;
  };
}

async function runAction(action: Action, system: SystemContext, ctx: ApplyContext, task: Task): Promise<string | undefined> {
  const base = task.title;
  switch (action.type) {
    case 'backup': {
      const started = Date.now();
      const manifest = await executeBackup(action, system, ctx, throttledProgress(task, base));
      return `${manifest.id}: ${formatThroughput(manifest.raw_size, Date.now() - started)} raw, ${manifest.size} bytes stored`;
    }
    case 'copy':
      await executeCopy(action, system, ctx);
      return undefined;
    case 'prune':
      await executePrune(action, system);
      return undefined;
    case 'cleanup':
      await executeCleanup(action, system);
      return undefined;
    case 'scratch':
      await executeScratchCleanup(action, system, ctx);
      return undefined;
    case 'verify': {
      const record = await executeVerify(action, system, ctx);
      const parts = [...(record.duration_ms !== undefined ? [`${record.backup_ids.length} backup(s) in ${record.duration_ms} ms`] : []), ...(record.warnings ?? [])];
      return parts.join('; ') || undefined;
    }
    case 'schedule':
    case 'render':
      await executeFileAction(action, system, ctx);
      return undefined;
    case 'bucket': {
      const storage = system.storages.get(action.tier);
      if (!(storage instanceof S3Storage)) throw new Error(`tier ${action.tier} is not an S3 tier that can be configured`);
      await applyBucketWrite(storage, action.write as BucketWrite);
      return undefined;
    }
    case 'source-config': {
      const source = system.policy.sources[action.source];
      const handler = source && sourceSettingsHandler(source);
      if (!source || !handler) throw new Error(`source ${action.source} has no managed settings in the policy`);
      const result = await handler.apply(source, ctx.resolveSecret, action.changes);
      return result.notes.join('; ') || undefined;
    }
  }
}

function pickRenderer(option: ApplyOptions['renderer']): 'default' | 'verbose' | 'silent' {
  if (option === 'silent') return 'silent';
  if (option === 'plain') return 'verbose';
  return process.stderr.isTTY ? 'default' : 'verbose';
}

export async function applyPlan(plan: Plan, ctx: ApplyContext, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  const results: ActionResult[] = [];
  const notes: string[] = [];
  const failedBackups = new Set<string>();
  const sourceKey = (a: { system: string; category: string; source: string }) => `${a.system}/${a.category}/${a.source}`;

  const tasks = new Listr(
    plan.actions.map((action) => ({
      title: `${action.type} ${action.system}: ${describeTarget(action)}`,
      task: async (_ctx: unknown, task: Task) => {
        const system = ctx.systems.get(action.system);
        if (!system) throw new Error(`system ${action.system} is not in the loaded policies`);
        if (action.type === 'prune' && failedBackups.has(sourceKey(action))) {
          results.push({ action, status: 'skipped', message: 'the backup of this source failed in this run; not pruning' });
          task.skip('skipped: the backup of this source failed in this run, so nothing is pruned');
          return;
        }
        try {
          const message = await runAction(action, system, ctx, task);
          task.title = `${action.type} ${action.system}: ${describeTarget(action)}${message ? ` — ${message}` : ''}`;
          results.push({ action, status: 'done', ...(message ? { message } : {}) });
        } catch (error) {
          if (action.type === 'backup') failedBackups.add(sourceKey(action));
          results.push({ action, status: 'failed', message: (error as Error).message });
          throw error;
        }
      },
    })),
    {
      concurrent: false,
      exitOnError: false,
      renderer: pickRenderer(options.renderer),
      fallbackRenderer: 'verbose',
      rendererOptions: { collapseErrors: false },
    } as never,
  );
  await tasks.run().catch(() => undefined);

  for (const system of ctx.systems.values()) {
    const touched = plan.actions.some((a) => a.system === system.policy.system);
    if (!touched) continue;
    if (plan.actions.some((a) => a.system === system.policy.system && a.type === 'schedule')) {
      try {
        const note = await activateSchedules(system);
        if (note) notes.push(`${system.policy.system}: ${note}`);
      } catch (error) {
        notes.push(`${system.policy.system}: activating schedules failed: ${(error as Error).message}`);
      }
    }
    if (system.policy.renderDir) {
      const evidence = Object.fromEntries(
        await Promise.all(system.policy.categories.map(async (c) => [c.name, await readEvidence(ctx.stateDir, system.policy.system, c.name)] as const)),
      );
      const desired = computeDesiredFiles(system.policy, evidence, ctx.templatesDir);
      await refreshRunbooks(system, desired.runbooks, ctx);
    }
  }
  return { ok: results.every((r) => r.status !== 'failed'), results, notes };
}
