// Measured restore times for `validate`'s RTO check: the newest passed restore test or drill of every
// category with evidence in the state dir. Read once, before validation, so the rule stays pure.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MeasuredRestores, RestoreMeasurement } from '../policy/rules/index.js';
import { readEvidence } from '../state/evidence-store.js';

async function names(dir: string, filter: (name: string) => boolean): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => filter(e.name) && (e.isDirectory() || e.isFile())).map((e) => e.name);
  } catch {
    return [];
  }
}

/** Undefined when the state dir holds no evidence (PR CI, a new host). */
export async function readMeasuredRestores(stateDir: string): Promise<MeasuredRestores | undefined> {
  const root = join(stateDir, 'evidence');
  const found = new Map<string, RestoreMeasurement>();
  for (const system of await names(root, () => true)) {
    for (const file of await names(join(root, system), (n) => n.endsWith('.json'))) {
      const category = file.slice(0, -'.json'.length);
      const restore = (await readEvidence(stateDir, system, category)).last_good_restore;
      if (!restore || restore.duration_ms === undefined || restore.bytes === undefined) continue;
      found.set(`${system}/${category}`, { bytes: restore.bytes, durationMs: restore.duration_ms, at: restore.at, ...(restore.tier ? { tier: restore.tier } : {}) });
    }
  }
  if (found.size === 0) return undefined;
  return (system, category) => found.get(`${system}/${category}`);
}
