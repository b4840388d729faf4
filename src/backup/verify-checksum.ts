// Re-read a stored artifact and check its size and sha256 against the manifest.
import type { CatalogEntry } from '../model/catalog.js';
import { chainStreams } from '../pipeline/codecs.js';
import { createHashCounter } from '../pipeline/hash-counter.js';
import type { Storage } from '../storage/storage.js';
import { artifactKey } from './manifest-io.js';

export interface ChecksumResult {
  ok: boolean;
  /** Findings; empty when ok. */
  details: string[];
  /** Bytes read. */
  bytes: number;
}

export async function verifyChecksum(entry: CatalogEntry, storage: Storage, signal?: AbortSignal): Promise<ChecksumResult> {
  const { manifest, dir } = entry;
  const key = artifactKey(dir, manifest);
  const head = await storage.head(key);
  if (!head) return { ok: false, details: [`artifact ${key} is missing`], bytes: 0 };
  const counter = createHashCounter();
  try {
    const body = await storage.get(key);
    signal?.addEventListener('abort', () => body.destroy(new Error('verification aborted')), { once: true });
    for await (const chunk of chainStreams(body, [counter])) void chunk;
  } catch (error) {
    return { ok: false, details: [`cannot read ${key}: ${(error as Error).message}`], bytes: counter.digest().bytes };
  }
  const actual = counter.digest();
  const details: string[] = [];
  if (actual.bytes !== manifest.size) details.push(`${key}: size is ${actual.bytes} bytes, the manifest says ${manifest.size}`);
  if (actual.sha256 !== manifest.sha256) details.push(`${key}: sha256 is ${actual.sha256}, the manifest says ${manifest.sha256}`);
  return { ok: details.length === 0, details, bytes: actual.bytes };
}
