// Temp directories for tests, removed after each test (even read-only trees restored from backups).
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { removeTree } from '../../src/backup/remove-tree.js';

const created: string[] = [];

// Registered when a test file imports this module (collection time), so it applies to every test in it.
afterEach(async () => {
  while (created.length > 0) await removeTree(created.pop()!);
});

/** A fresh temp dir that is removed after the current test. */
export async function makeTempDir(prefix = 'strata-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}
