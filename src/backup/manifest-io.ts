// Manifests on storage: serialised deterministically, parsed defensively (storage is not trusted to hold
// what Strata wrote: a manifest that does not parse is reported, never half-used).
import { Readable } from 'node:stream';
import { BACKUP_KINDS, MANIFEST_FORMAT_VERSION, MANIFEST_NAME, type Manifest } from '../model/manifest.js';
import type { Storage } from '../storage/storage.js';

/** Manifests are small; anything larger is not one of ours. */
const MAX_MANIFEST_BYTES = 1 << 20;

export function manifestKey(dir: string): string {
  return `${dir}/${MANIFEST_NAME}`;
}

export function artifactKey(dir: string, manifest: Pick<Manifest, 'artifact'>): string {
  return `${dir}/${manifest.artifact}`;
}

export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function manifestStream(manifest: Manifest): Readable {
  return Readable.from([Buffer.from(serializeManifest(manifest), 'utf8')]);
}

function fail(reason: string): never {
  throw new Error(`invalid manifest: ${reason}`);
}

function requireString(value: Record<string, unknown>, key: string): void {
  if (typeof value[key] !== 'string' || value[key] === '') fail(`"${key}" must be a non-empty string`);
}

function requireCount(value: Record<string, unknown>, key: string): void {
  const n = value[key];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`"${key}" must be a non-negative integer`);
}

export function parseManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(`not JSON (${(error as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('not a JSON object');
  const m = value as Record<string, unknown>;
  if (m.format_version !== MANIFEST_FORMAT_VERSION) {
    fail(`format_version ${JSON.stringify(m.format_version)} is not supported (this strata reads ${MANIFEST_FORMAT_VERSION})`);
  }
  for (const key of ['id', 'system', 'category', 'source', 'source_type', 'started_at', 'finished_at', 'artifact', 'sha256', 'raw_sha256', 'strata_version']) {
    requireString(m, key);
  }
  for (const key of ['size', 'raw_size']) requireCount(m, key);
  if (!BACKUP_KINDS.includes(m.kind as Manifest['kind'])) fail('"kind" must be full, incremental or pre-restore');
  if (m.taken_for !== undefined) {
    const taken = m.taken_for as Record<string, unknown> | null;
    if (!taken || typeof taken !== 'object' || typeof taken.restore_of !== 'string' || typeof taken.at !== 'string' || Number.isNaN(Date.parse(taken.at))) {
      fail('"taken_for" must be { restore_of: backup id, at: ISO time }');
    }
  }
  for (const key of ['sha256', 'raw_sha256']) {
    if (!/^[0-9a-f]{64}$/.test(m[key] as string)) fail(`"${key}" must be 64 hex digits`);
  }
  for (const key of ['started_at', 'finished_at']) {
    if (Number.isNaN(Date.parse(m[key] as string))) fail(`"${key}" must be an ISO time`);
  }
  if (/[/\\]/.test(m.artifact as string) || (m.artifact as string).startsWith('.')) fail('"artifact" must be a plain file name');
  const codecs = m.codecs as Record<string, unknown> | undefined;
  if (!codecs || typeof codecs !== 'object') fail('"codecs" is missing');
  if (typeof codecs.format !== 'string') fail('"codecs.format" must be a string');
  if (!['zstd', 'gzip', 'none'].includes(codecs.compression as string)) fail('"codecs.compression" must be zstd, gzip or none');
  if (!['age', 'none'].includes(codecs.encryption as string)) fail('"codecs.encryption" must be age or none');
  if (!Array.isArray(m.recipient_fingerprints) || m.recipient_fingerprints.some((f) => typeof f !== 'string')) {
    fail('"recipient_fingerprints" must be a list of strings');
  }
  const stats = m.stats as Record<string, unknown> | undefined;
  if (!stats || typeof stats !== 'object' || Array.isArray(stats) || Object.values(stats).some((v) => typeof v !== 'number')) {
    fail('"stats" must map names to numbers');
  }
  return m as unknown as Manifest;
}

export async function readText(body: Readable, limit = MAX_MANIFEST_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw new Error(`invalid manifest: larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readManifest(storage: Storage, dir: string): Promise<Manifest> {
  return parseManifest(await readText(await storage.get(manifestKey(dir))));
}
