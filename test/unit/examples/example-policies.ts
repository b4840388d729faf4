// Shared reading of the example policies in policies/, for the example tests.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { StrataPolicy } from '../../../src/generated/policy.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const policiesDir = join(repoRoot, 'policies');

/** One example per seed document, plus the demo. */
export const expectedExamples = [
  'bot-core.yaml',
  'cryptons.yaml',
  'demo.yaml',
  'litecoin-knowledge-hub.yaml',
  'rag-system.yaml',
  'sketchy-chain.yaml',
];

export interface ExamplePolicy {
  name: string;
  file: string;
  text: string;
  policy: StrataPolicy;
}

export function listExampleFiles(): string[] {
  return readdirSync(policiesDir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
}

export function readExamples(): ExamplePolicy[] {
  return listExampleFiles().map((name) => {
    const file = join(policiesDir, name);
    const text = readFileSync(file, 'utf8');
    return { name, file, text, policy: parse(text) as StrataPolicy };
  });
}

const UNIT_MS: Record<string, number> = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 };

/** `5m`, `1h30m`, `7d` → ms (an independent reading, so the examples are not checked by the code under test). */
export function durationMs(text: string): number {
  if (!/^([0-9]+[smhdw])+$/.test(text)) throw new Error(`not a duration: ${text}`);
  let total = 0;
  for (const m of text.matchAll(/([0-9]+)([smhdw])/g)) total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
  return total;
}
