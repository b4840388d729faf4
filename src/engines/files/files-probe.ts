// Plan's source health for a files source: every path exists and this user may read it. Read-only.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BackupRequest } from '../engine.js';

export async function probeFiles(request: BackupRequest): Promise<void> {
  if (request.source.type !== 'files') throw new Error(`source "${request.name}" is of type ${request.source.type}, not files`);
  for (const raw of request.source.paths) {
    const path = resolve(raw.includes('${') ? request.resolveSecret(raw) : raw);
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? `path ${path} does not exist` : `cannot read ${path} (${code ?? (error as Error).message})`, { cause: error });
    }
  }
}
