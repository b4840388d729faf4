// A tier's S3 settings, resolved: `${env:…}` in endpoint and region replaced, prefix normalised, defaults
// filled in. Credentials are not here on purpose: the SDK's default provider chain supplies them.
import type { ResolvedTier } from '../../model/policy-model.js';

export const MIB = 1024 * 1024;
// 8 MiB × 4 in flight keeps a backup's peak RSS under 200 MB (lib-storage holds about queueSize + 2 parts);
// with an unknown size that caps one artifact at 80 GiB (10 000 parts): bigger backups raise part_size_mb.
export const DEFAULT_PART_SIZE = 8 * MIB;
export const DEFAULT_QUEUE_SIZE = 4;
export const DEFAULT_MAX_ATTEMPTS = 5;
/** Objects up to this size are copied server-side with one CopyObject; bigger ones with UploadPartCopy. */
export const DEFAULT_COPY_THRESHOLD = 512 * MIB;
export const DEFAULT_COPY_PART_SIZE = 128 * MIB;
/** S3 allows at most 10 000 parts per multipart upload. */
export const MAX_PARTS = 10_000;

export type ServerSideEncryption = 'AES256' | 'aws:kms';

export interface S3StorageOptions {
  bucket: string;
  /** '' or a prefix ending in '/'. */
  prefix: string;
  region?: string;
  endpoint?: string;
  forcePathStyle: boolean;
  checksums: 'when_supported' | 'when_required';
  storageClass?: string;
  sse?: ServerSideEncryption;
  kmsKeyId?: string;
  partSize: number;
  queueSize: number;
  /** Attempts per request, including the first (SDK standard retry mode, exponential backoff with jitter). */
  maxAttempts: number;
  copyThreshold: number;
  copyPartSize: number;
  /** Base delay of our own retries (resumed downloads); the SDK has its own. */
  retryBaseMs: number;
  /** Keys per listing page; undefined leaves it to the server (1000). Tests set it low to page for real. */
  pageSize?: number;
  /** Values resolved from `${env:…}` (the endpoint and its host): redacted from every error message. */
  redact?: string[];
}

/** 'a/b' → 'a/b/', '/a/' → 'a/', '' → ''. */
export function normalizePrefix(prefix: string | undefined): string {
  const trimmed = (prefix ?? '').replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

function resolveMaybe(value: string | undefined, resolveSecret: (value: string) => string): string | undefined {
  if (value === undefined) return undefined;
  const resolved = value.includes('${') ? resolveSecret(value) : value;
  return resolved.trim() === '' ? undefined : resolved.trim();
}

export function s3OptionsFromTier(tier: ResolvedTier, resolveSecret: (value: string) => string, overrides: Partial<S3StorageOptions> = {}): S3StorageOptions {
  const storage = tier.storage;
  if (storage.type !== 's3') throw new Error(`tier "${tier.name}" is not an S3 tier`);
  const endpoint = resolveMaybe(storage.endpoint, resolveSecret);
  if (endpoint !== undefined && !/^https?:\/\/[^/]/.test(endpoint)) {
    // Never echo the value: it may come from the environment.
    throw new Error(`tier "${tier.name}": the S3 endpoint must be an http:// or https:// URL`);
  }
  const options: S3StorageOptions = {
    bucket: storage.bucket,
    prefix: normalizePrefix(storage.prefix),
    forcePathStyle: storage.force_path_style ?? false,
    // Custom endpoints (radosgw, MinIO, B2, R2 …) often reject or ignore flexible-checksum headers.
    checksums: storage.checksums ?? (endpoint !== undefined ? 'when_required' : 'when_supported'),
    partSize: (storage.part_size_mb ?? DEFAULT_PART_SIZE / MIB) * MIB,
    queueSize: storage.queue_size ?? DEFAULT_QUEUE_SIZE,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    copyThreshold: DEFAULT_COPY_THRESHOLD,
    copyPartSize: DEFAULT_COPY_PART_SIZE,
    retryBaseMs: 200,
    ...overrides,
  };
  const region = resolveMaybe(storage.region, resolveSecret);
  if (region !== undefined) options.region = region;
  if (endpoint !== undefined) {
    options.endpoint = endpoint;
    if (storage.endpoint?.includes('${')) {
      const url = new URL(endpoint);
      options.redact = [...new Set([endpoint, url.host, url.hostname])];
    }
  }
  if (tier.storageClass !== undefined) options.storageClass = tier.storageClass;
  if (tier.sse !== undefined) options.sse = tier.sse as ServerSideEncryption;
  if (tier.kmsKeyId !== undefined) options.kmsKeyId = tier.kmsKeyId;
  return options;
}

/** Part size for an upload: the configured size, grown when a known size would need more than 10 000 parts. */
export function partSizeFor(configured: number, size: number | undefined): number {
  if (size === undefined) return configured;
  return Math.max(configured, Math.ceil(size / MAX_PARTS / MIB) * MIB);
}
