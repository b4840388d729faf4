// S3 tier options, error descriptions and copy ranges: pure pieces of the S3 backend.
import { describe, expect, it } from 'vitest';
import type { ResolvedTier } from '../../../src/model/policy-model.js';
import { copyRanges, copySource } from '../../../src/storage/s3/s3-copy.js';
import { describeS3Error, isRetryable, isUnsupported, toOperationError } from '../../../src/storage/s3/s3-errors.js';
import { MIB, normalizePrefix, partSizeFor, s3OptionsFromTier } from '../../../src/storage/s3/s3-options.js';
import { backoffDelay } from '../../../src/storage/s3/resumable-read.js';

const s3tier = (storage: Partial<Extract<ResolvedTier['storage'], { type: 's3' }>>, extra: Partial<ResolvedTier> = {}): ResolvedTier => ({
  name: 'warm',
  storage: { type: 's3', bucket: 'bkt', ...storage },
  offsite: true,
  ...extra,
});

const env: Record<string, string> = { S3_ENDPOINT: 'http://10.0.0.5:9000', S3_REGION: 'eu-central-1' };
const resolveSecret = (value: string) => value.replace(/\$\{env:(\w+)\}/g, (_, name: string) => env[name] ?? '');

/** An SDK-shaped error. */
function sdkError(name: string, status?: number, message = 'UnknownError', attempts?: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { ...(status !== undefined ? { httpStatusCode: status } : {}), ...(attempts ? { attempts } : {}) } });
}

describe('S3 tier options', () => {
  it('normalises prefixes', () => {
    expect(['', undefined, '/', 'warm', 'warm/', '/warm//', 'a/b'].map(normalizePrefix)).toEqual(['', '', '', 'warm/', 'warm/', 'warm/', 'a/b/']);
  });

  it('resolves ${env:} endpoints and regions, and turns checksums to when_required for custom endpoints', () => {
    const custom = s3OptionsFromTier(s3tier({ endpoint: '${env:S3_ENDPOINT}', region: '${env:S3_REGION}', force_path_style: true, prefix: 'x' }), resolveSecret);
    expect(custom).toMatchObject({ bucket: 'bkt', prefix: 'x/', endpoint: 'http://10.0.0.5:9000', region: 'eu-central-1', forcePathStyle: true, checksums: 'when_required' });
    const aws = s3OptionsFromTier(s3tier({ region: 'us-east-1' }, { storageClass: 'STANDARD_IA', sse: 'aws:kms', kmsKeyId: 'alias/k' }), resolveSecret);
    expect(aws).toMatchObject({ checksums: 'when_supported', forcePathStyle: false, storageClass: 'STANDARD_IA', sse: 'aws:kms', kmsKeyId: 'alias/k' });
    expect(aws.endpoint).toBeUndefined();
    expect(s3OptionsFromTier(s3tier({ endpoint: 'https://s3.example', checksums: 'when_supported' }), resolveSecret).checksums).toBe('when_supported');
  });

  it('sizes parts from the config, growing them for known sizes beyond 10 000 parts', () => {
    const options = s3OptionsFromTier(s3tier({ part_size_mb: 64, queue_size: 8 }), resolveSecret);
    expect([options.partSize, options.queueSize]).toEqual([64 * MIB, 8]);
    expect(s3OptionsFromTier(s3tier({}), resolveSecret).partSize).toBe(8 * MIB);
    expect(partSizeFor(16 * MIB, undefined)).toBe(16 * MIB);
    expect(partSizeFor(16 * MIB, 100 * MIB)).toBe(16 * MIB);
    expect(partSizeFor(16 * MIB, 1024 * 1024 * MIB)).toBe(105 * MIB); // 1 TiB / 10 000, rounded up to whole MiB
  });

  it('rejects an endpoint that is not a URL without echoing it (it may come from the environment)', () => {
    env.BAD = 's3.internal:9000-secretish';
    expect(() => s3OptionsFromTier(s3tier({ endpoint: '${env:BAD}' }), resolveSecret)).toThrow('tier "warm": the S3 endpoint must be an http:// or https:// URL');
    try {
      s3OptionsFromTier(s3tier({ endpoint: '${env:BAD}' }), resolveSecret);
    } catch (error) {
      expect((error as Error).message).not.toContain('secretish');
    }
  });
});

describe('S3 errors', () => {
  it('names the operation, bucket, key and attempts, with status and code rather than "UnknownError"', () => {
    const error = toOperationError('UploadPart', 'bkt', 'a/b/data.tar', sdkError('InternalError', 500, 'UnknownError', 5));
    expect(error.message).toBe('S3 UploadPart of s3://bkt/a/b/data.tar failed after 5 attempts: HTTP 500 InternalError');
    expect([error.operation, error.bucket, error.key, error.status, error.code]).toEqual(['UploadPart', 'bkt', 'a/b/data.tar', 500, 'InternalError']);
    expect(describeS3Error(sdkError('AccessDenied', 403, 'forbidden by object lock'))).toBe('HTTP 403 AccessDenied: forbidden by object lock');
    expect(describeS3Error(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe('ECONNRESET: socket hang up');
  });

  it('retries 5xx, throttling and dropped connections, not client errors', () => {
    expect(isRetryable(sdkError('InternalError', 500))).toBe(true);
    expect(isRetryable(sdkError('SlowDown', 503))).toBe(true);
    expect(isRetryable(sdkError('TooManyRequests', 429))).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('aborted'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }))).toBe(true);
    expect(isRetryable(sdkError('AccessDenied', 403))).toBe(false);
    expect(isRetryable(sdkError('PreconditionFailed', 412))).toBe(false);
  });

  it('tells "not implemented here" from other failures', () => {
    expect(isUnsupported(sdkError('NotImplemented', 501))).toBe(true);
    expect(isUnsupported(sdkError('InvalidArgument', 400))).toBe(true); // radosgw on PutBucketEncryption
    expect(isUnsupported(sdkError('MethodNotAllowed', 405))).toBe(true);
    expect(isUnsupported(sdkError('AccessDenied', 403))).toBe(false);
    expect(isUnsupported(sdkError('NoSuchBucket', 404))).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    for (let attempt = 1; attempt <= 12; attempt++) {
      const delay = backoffDelay(attempt, 100, 5_000);
      const full = Math.min(5_000, 100 * 2 ** (attempt - 1));
      expect(delay).toBeGreaterThanOrEqual(full / 2);
      expect(delay).toBeLessThanOrEqual(full);
    }
  });
});

describe('server-side copy ranges', () => {
  it('covers the object exactly, in parts of at least the part size and at most 10 000 parts', () => {
    expect(copyRanges(11 * MIB, 5 * MIB)).toEqual([
      [0, 5 * MIB - 1],
      [5 * MIB, 10 * MIB - 1],
      [10 * MIB, 11 * MIB - 1],
    ]);
    expect(copyRanges(5 * MIB, 5 * MIB)).toEqual([[0, 5 * MIB - 1]]);
    const huge = copyRanges(5 * 1024 * 1024 * MIB, 5 * MIB);
    expect(huge.length).toBeLessThanOrEqual(10_000);
    expect(huge.at(-1)![1]).toBe(5 * 1024 * 1024 * MIB - 1);
  });

  it('URL-encodes the copy source key by segment', () => {
    expect(copySource({ bucket: 'b', key: 'p/a b+c/x.tar' })).toBe('b/p/a%20b%2Bc/x.tar');
  });
});
