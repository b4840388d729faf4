// The files a policy wants on disk: schedule units, and in its render.dir everything `strata render` writes for
// the system (runbooks with verification evidence, and a copy of the schedule files), in the same layout, so
// `strata render --check --out <render.dir>` passes after an apply.
// Runbooks show paths relative to the working directory (the repo root in CI), so every checkout renders the same.
import { join } from 'node:path';
import type { CategoryEvidence } from '../model/evidence.js';
import type { ResolvedPolicy } from '../model/policy-model.js';
import type { DesiredFiles } from '../plan/observed-model.js';
import { renderRunbooks } from '../render/render-runbooks.js';
import { renderScheduleFiles } from '../render/render-schedule-files.js';
import { renderedTree } from '../render/rendered-tree.js';

export function computeDesiredFiles(
  policy: ResolvedPolicy,
  evidence: Record<string, CategoryEvidence>,
  templatesDir?: string,
  displayBase: string = process.cwd(),
): DesiredFiles {
  const schedules = renderScheduleFiles(policy, { templatesDir });
  const renderDir = policy.renderDir;
  const runbooks = renderDir
    ? renderedTree(policy, renderRunbooks({ policy, evidence }, { templatesDir, displayBase }), schedules).map((f) => ({ path: join(renderDir, f.path), content: f.content }))
    : [];
  return { schedules, runbooks };
}
