// Schedules and runbooks: write what the policy renders, remove what strata wrote earlier and the policy
// dropped, and activate systemd timers only where systemd runs.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename } from 'node:path';
import { runCommand } from '../exec/exec.js';
import { readFileOrNull } from '../observe/read-files.js';
import type { FileAction } from '../plan/plan-model.js';
import type { DesiredFile } from '../plan/observed-model.js';
import { readInstalledFiles, writeInstalledFiles } from '../state/installed-files.js';
import { writeFileAtomic } from '../state/write-file-atomic.js';
import type { ApplyContext, SystemContext } from './apply-context.js';

function desiredFor(system: SystemContext, action: FileAction): DesiredFile | undefined {
  const files = action.type === 'schedule' ? system.desired.schedules : system.desired.runbooks;
  return files.find((f) => f.path === action.path);
}

export async function executeFileAction(action: FileAction, system: SystemContext, ctx: ApplyContext): Promise<void> {
  const installed = await readInstalledFiles(ctx.stateDir, system.policy.system);
  const key = action.type === 'schedule' ? 'schedules' : 'rendered';
  if (action.op === 'delete') {
    if (action.type === 'schedule') await deactivateTimer(action.path, ctx);
    await rm(action.path, { force: true });
    installed[key] = installed[key].filter((p) => p !== action.path);
  } else {
    const file = desiredFor(system, action);
    if (!file) throw new Error(`nothing to write for ${action.path}: the policy no longer renders it`);
    await writeFileAtomic(file.path, file.content);
    installed[key] = [...installed[key], file.path];
  }
  await writeInstalledFiles(ctx.stateDir, system.policy.system, installed);
}

function systemdIsRunning(): boolean {
  return existsSync('/run/systemd/system');
}

async function deactivateTimer(path: string, ctx: ApplyContext): Promise<void> {
  if (!path.endsWith('.timer') || !systemdIsRunning()) return;
  await runCommand('systemctl', ['disable', '--now', basename(path)]).catch((error: Error) => ctx.log(`warning: ${error.message}`));
}

/** After unit files changed: reload systemd and enable the timers, or say why not. */
export async function activateSchedules(system: SystemContext): Promise<string> {
  if (system.policy.scheduler.type !== 'systemd') return '';
  const timers = system.desired.schedules.map((f) => basename(f.path)).filter((n) => n.endsWith('.timer'));
  if (!systemdIsRunning()) {
    return `systemd is not running here (no /run/systemd/system): the units were written but not activated; on the host run \`systemctl daemon-reload && systemctl enable --now ${timers.join(' ')}\``;
  }
  await runCommand('systemctl', ['daemon-reload']);
  if (timers.length > 0) await runCommand('systemctl', ['enable', '--now', ...timers]);
  return `systemd reloaded; enabled ${timers.length} timer(s)`;
}

/** Runbooks carry verification evidence, so they are refreshed after any run that may have produced some. */
export async function refreshRunbooks(system: SystemContext, runbooks: readonly DesiredFile[], ctx: ApplyContext): Promise<number> {
  let written = 0;
  const installed = await readInstalledFiles(ctx.stateDir, system.policy.system);
  for (const file of runbooks) {
    if ((await readFileOrNull(file.path)) === file.content) continue;
    await writeFileAtomic(file.path, file.content);
    written += 1;
  }
  installed.rendered = [...installed.rendered, ...runbooks.map((f) => f.path)];
  await writeInstalledFiles(ctx.stateDir, system.policy.system, installed);
  return written;
}
