// Real age keys for tests, made with age-keygen.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from '../../src/exec/exec.js';

export interface AgeKey {
  /** Path of the identity (private key) file. */
  identityFile: string;
  /** The public key (age1…). */
  recipient: string;
}

export async function generateAgeKey(dir: string, name = 'key.txt'): Promise<AgeKey> {
  const identityFile = join(dir, name);
  await runCommand('age-keygen', ['-o', identityFile]);
  const text = await readFile(identityFile, 'utf8');
  const match = /public key: (age1[0-9a-z]+)/.exec(text);
  if (!match?.[1]) throw new Error(`age-keygen wrote no public key to ${identityFile}`);
  return { identityFile, recipient: match[1] };
}
