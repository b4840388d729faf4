// The files apply wrote per system (schedules, runbooks), so a later plan can remove the ones the policy dropped
// and never touches a file it did not write.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './write-file-atomic.js';

export interface InstalledFiles {
  schedules: string[];
  rendered: string[];
}

function installedPath(stateDir: string, system: string): string {
  return join(stateDir, 'installed', `${system}.json`);
}

export async function readInstalledFiles(stateDir: string, system: string): Promise<InstalledFiles> {
  try {
    const parsed = JSON.parse(await readFile(installedPath(stateDir, system), 'utf8')) as Partial<InstalledFiles>;
    return { schedules: parsed.schedules ?? [], rendered: parsed.rendered ?? [] };
  } catch {
    return { schedules: [], rendered: [] };
  }
}

export async function writeInstalledFiles(stateDir: string, system: string, files: InstalledFiles): Promise<void> {
  const sorted = { schedules: [...new Set(files.schedules)].sort(), rendered: [...new Set(files.rendered)].sort() };
  await writeFileAtomic(installedPath(stateDir, system), JSON.stringify(sorted, null, 2) + '\n');
}
