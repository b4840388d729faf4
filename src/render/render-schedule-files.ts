// Schedule files for a policy's scheduler: systemd units, one cron file, or nothing. Paths are absolute.
import type { ResolvedPolicy } from '../model/policy-model.js';
import { renderCronFile } from './render-cron-file.js';
import { renderSystemdUnits } from './render-systemd-units.js';
import type { RenderedFile } from './rendered-file.js';
import { listScheduledJobs } from './scheduled-jobs.js';

export type { RenderedFile } from './rendered-file.js';

export interface RenderOptions {
  /** Directory whose templates override the built-in ones, file by file. */
  templatesDir?: string;
}

function requireTarget(policy: ResolvedPolicy): string {
  const target = policy.scheduler.target;
  if (!target || !target.startsWith('/')) {
    throw new Error(`system ${policy.system}: the ${policy.scheduler.type} scheduler needs an absolute target, got ${JSON.stringify(target)}`);
  }
  return target;
}

export function renderScheduleFiles(policy: ResolvedPolicy, opts: RenderOptions = {}): RenderedFile[] {
  const scheduler = policy.scheduler;
  if (scheduler.type === 'none') return [];
  const jobs = listScheduledJobs(policy);
  if (scheduler.type === 'systemd') return renderSystemdUnits(policy, jobs, requireTarget(policy), opts.templatesDir);
  return [renderCronFile(policy, jobs, requireTarget(policy), opts.templatesDir)];
}
