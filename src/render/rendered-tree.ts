// The one layout of rendered files, shared by `strata render --out DIR` and by apply's `render.dir`, so
// `render --check` passes on the directory apply wrote: DIR/<system>/README.md, DIR/<system>/<category>.md,
// and a reviewable copy of the schedule files in DIR/<system>/systemd/ or DIR/<system>/cron/. The system level
// is needed because one directory serves every policy of a repository (the example policies all render into
// ../runbooks), and two systems have a README.md and may share category names.
import { basename } from 'node:path';
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { RenderedFile } from './rendered-file.js';

/** Paths relative to the output directory. `runbooks` as renderRunbooks returns them, `schedules` as renderScheduleFiles does. */
export function renderedTree(policy: ResolvedPolicy, runbooks: readonly RenderedFile[], schedules: readonly RenderedFile[]): RenderedFile[] {
  const folder = policy.scheduler.type === 'cron' ? 'cron' : 'systemd';
  return [
    ...runbooks.map((f) => ({ path: `${policy.system}/${f.path}`, content: f.content })),
    ...schedules.map((f) => ({ path: `${policy.system}/${folder}/${basename(f.path)}`, content: f.content })),
  ];
}
