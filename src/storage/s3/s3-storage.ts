// S3 backend (AWS and compatible stores). Keys are relative to the tier's prefix. An object appears under
// its key only when its upload completes (PutObject or CompleteMultipartUpload are atomic), so a crash leaves
// at most an incomplete multipart upload, which listIncompleteUploads reports and cleanup aborts.
import {
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  paginateListObjectsV2,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { MANIFEST_NAME } from '../../model/manifest.js';
import type { IncompleteUpload, ObjectInfo, PutOptions, Storage } from '../storage.js';
import { ARTIFACT_TAG } from './lifecycle-rules.js';
import { createS3Client } from './s3-client.js';
import { copyObjectServerSide } from './s3-copy.js';
import { errorCodeOf, isAccessDenied, isNotFound, isUnsupported, S3OperationError, s3Url, toOperationError, withS3Context } from './s3-errors.js';
import { abortMultipartUpload, listMultipartUploads } from './s3-multipart.js';
import { partSizeFor, type S3StorageOptions } from './s3-options.js';
import { openResumable } from './resumable-read.js';
import { uploadStream } from './s3-upload.js';


const DELETE_BATCH = 1000;
/** Storage classes whose objects must be restored before they can be read. */
const ARCHIVE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/** Deleting failed because object lock retains some of the objects. */
export class S3ObjectLockedError extends S3OperationError {}

function baseName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

export interface S3StorageExtras {
  /** Tag artifacts (never manifests) with ARTIFACT_TAG: the tier's lifecycle transitions only tagged objects. */
  tagArtifacts?: boolean;
  client?: S3Client;
}

export class S3Storage implements Storage {
  readonly kind = 's3' as const;
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly client: S3Client;
  /** Same value for tiers on the same endpoint: they can copy server-side. Internal, never printed. */
  readonly endpointKey: string;
  private readonly tagArtifacts: boolean;
  private lockEnabled: Promise<boolean> | undefined;
  /** When a "no object lock" answer was cached. */
  private lockCheckedAt: number | undefined;

  constructor(
    readonly options: S3StorageOptions,
    extras: S3StorageExtras = {},
  ) {
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.location = `s3://${options.bucket}/${options.prefix}`;
    this.client = extras.client ?? createS3Client(options);
    this.endpointKey = options.endpoint === undefined ? 'aws' : options.endpoint.toLowerCase().replace(/\/+$/, '');
    this.tagArtifacts = extras.tagArtifacts ?? false;
  }

  get region(): string | undefined {
    return this.options.region;
  }

  /** Full object key in the bucket; refuses keys that could escape the prefix or are not plain paths. */
  fullKey(key: string): string {
    const parts = key.split('/');
    if (key === '' || key.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new Error(`invalid storage key "${key}"`);
    }
    return this.prefix + key;
  }

  private objectParams(key: string): Omit<PutObjectCommandInput, 'Bucket' | 'Key' | 'Body'> {
    const manifest = baseName(key) === MANIFEST_NAME;
    const params: Omit<PutObjectCommandInput, 'Bucket' | 'Key' | 'Body'> = {
      ContentType: manifest ? 'application/json' : 'application/octet-stream',
    };
    // Manifests are tiny and must stay readable for every scan: always STANDARD, never transitioned.
    if (!manifest && this.options.storageClass !== undefined) params.StorageClass = this.options.storageClass as PutObjectCommandInput['StorageClass'];
    if (!manifest && this.tagArtifacts) params.Tagging = `${ARTIFACT_TAG.key}=${ARTIFACT_TAG.value}`;
    if (this.options.sse !== undefined) params.ServerSideEncryption = this.options.sse;
    if (this.options.sse === 'aws:kms' && this.options.kmsKeyId !== undefined) params.SSEKMSKeyId = this.options.kmsKeyId;
    return params;
  }

  async put(key: string, body: Readable, options: PutOptions = {}): Promise<{ bytes: number }> {
    return uploadStream({
      client: this.client,
      bucket: this.bucket,
      key: this.fullKey(key),
      body,
      partSize: partSizeFor(this.options.partSize, options.size),
      queueSize: this.options.queueSize,
      params: this.objectParams(key),
    });
  }

  async get(key: string): Promise<Readable> {
    const full = this.fullKey(key);
    const open = async (offset: number, etag: string | undefined) => {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: full,
          ...(offset > 0 ? { Range: `bytes=${offset}-` } : {}),
          ...(etag !== undefined ? { IfMatch: etag } : {}),
        }),
      );
      return { body: out.Body as Readable, size: out.ContentLength ?? 0, ...(out.ETag ? { etag: out.ETag } : {}) };
    };
    try {
      return await openResumable(open, {
        maxAttempts: this.options.maxAttempts,
        baseDelayMs: this.options.retryBaseMs,
        describe: (error, offset, attempts) => {
          const wrapped = toOperationError('GetObject', this.bucket, full, error);
          wrapped.message = `${wrapped.message} (at byte ${offset}, ${attempts} attempts in a row without progress)`;
          return wrapped;
        },
      });
    } catch (error) {
      if (isNotFound(error)) throw new Error(`object ${key} not found in ${this.location}`, { cause: error });
      if (errorCodeOf(error) === 'InvalidObjectState') {
        throw new Error(
          `object ${key} in ${this.location} is in an archive storage class; restore it first (aws s3api restore-object --bucket ${this.bucket} --key ${full} …)`,
          { cause: error },
        );
      }
      throw toOperationError('GetObject', this.bucket, full, error);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const full = this.fullKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: full }));
      return { key, size: out.ContentLength ?? 0, modified: out.LastModified ?? new Date(0) };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toOperationError('HeadObject', this.bucket, full, error);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const full = this.prefix + prefix;
    const iterator = paginateListObjectsV2({ client: this.client, ...(this.options.pageSize ? { pageSize: this.options.pageSize } : {}) }, { Bucket: this.bucket, Prefix: full })[
      Symbol.asyncIterator
    ]();
    for (;;) {
      const page = await withS3Context('ListObjectsV2', this.bucket, full, () => iterator.next());
      if (page.done) return;
      for (const object of page.value.Contents ?? []) {
        if (object.Key === undefined || !object.Key.startsWith(this.prefix)) continue;
        yield { key: object.Key.slice(this.prefix.length), size: object.Size ?? 0, modified: object.LastModified ?? new Date(0) };
      }
    }
  }

  /** Whether the bucket keeps versions (enabled now, or suspended with old versions). */
  private async isVersioned(): Promise<boolean> {
    try {
      const out = await this.client.send(new GetBucketVersioningCommand({ Bucket: this.bucket }));
      return out.Status === 'Enabled' || out.Status === 'Suspended';
    } catch (error) {
      // Not implemented, or not allowed to ask: delete the current objects only (a versioned bucket keeps
      // the old versions until its lifecycle removes them).
      if (isUnsupported(error) || isAccessDenied(error)) return false;
      throw toOperationError('GetBucketVersioning', this.bucket, undefined, error);
    }
  }

  /** Every version and delete marker of exactly these keys: deleting a backup means deleting its data. */
  private async versionsOf(fullKeys: string[]): Promise<ObjectIdentifier[]> {
    const out: ObjectIdentifier[] = [];
    for (const key of fullKeys) {
      let keyMarker: string | undefined;
      let versionIdMarker: string | undefined;
      for (;;) {
        const page = await withS3Context('ListObjectVersions', this.bucket, key, () =>
          this.client.send(
            new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: key, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker, MaxKeys: this.options.pageSize }),
          ),
        );
        for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
          if (v.Key === key && v.VersionId !== undefined) out.push({ Key: key, VersionId: v.VersionId });
        }
        if (!page.IsTruncated || (page.NextKeyMarker === undefined && page.NextVersionIdMarker === undefined)) break;
        keyMarker = page.NextKeyMarker;
        versionIdMarker = page.NextVersionIdMarker;
      }
    }
    return out;
  }

  /**
   * Delete objects for good. On a versioned bucket every version of each key goes (retention is Strata's
   * decision; a delete marker would leave the bytes billed and hidden). Object lock refuses locked versions:
   * that fails with S3ObjectLockedError naming them, and nothing newer than the failure is retried.
   */
  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const fullKeys = keys.map((k) => this.fullKey(k));
    const targets = (await this.isVersioned()) ? await this.versionsOf(fullKeys) : fullKeys.map((Key) => ({ Key }));
    const refused: { key: string; code: string }[] = [];
    for (let i = 0; i < targets.length; i += DELETE_BATCH) {
      const batch = targets.slice(i, i + DELETE_BATCH);
      const out = await withS3Context('DeleteObjects', this.bucket, batch[0]?.Key, () =>
        this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } })),
      );
      for (const e of out.Errors ?? []) {
        if (e.Code === 'NoSuchKey' || e.Code === 'NoSuchVersion') continue;
        refused.push({ key: e.Key ?? '?', code: e.Code ?? 'error' });
      }
    }
    if (refused.length === 0) return;
    const keysText = [...new Set(refused.map((r) => r.key))].join(', ');
    if (refused.every((r) => r.code === 'AccessDenied') && (await this.isLockEnabled())) {
      const until = await this.lockedUntilFull(refused[0]!.key).catch(() => undefined);
      throw new S3ObjectLockedError(
        `S3 DeleteObjects in ${s3Url(this.bucket)} refused: object lock retains ${keysText}${until ? ` until ${until.toISOString()}` : ''}`,
        'DeleteObjects',
        this.bucket,
        refused[0]!.key,
        403,
        'AccessDenied',
      );
    }
    throw new S3OperationError(
      `S3 DeleteObjects in ${s3Url(this.bucket)} failed for ${keysText}: ${[...new Set(refused.map((r) => r.code))].join(', ')}`,
      'DeleteObjects',
      this.bucket,
      refused[0]!.key,
      undefined,
      refused[0]!.code,
    );
  }

  async *listIncompleteUploads(prefix: string): AsyncIterable<IncompleteUpload> {
    for await (const upload of listMultipartUploads(this.client, this.bucket, this.prefix + prefix, this.options.pageSize)) {
      if (!upload.key.startsWith(this.prefix)) continue;
      yield {
        key: upload.key.slice(this.prefix.length),
        uploadId: upload.uploadId,
        ...(upload.initiated ? { initiated: upload.initiated.toISOString() } : {}),
      };
    }
  }

  async abortIncompleteUpload(upload: IncompleteUpload): Promise<void> {
    await abortMultipartUpload(this.client, this.bucket, this.fullKey(upload.key), upload.uploadId);
  }

  /**
   * Whether the bucket has object lock enabled. A yes is final (lock cannot be turned off); a no is kept for a
   * minute only, because apply may create the bucket with object lock in the meantime.
   */
  async isLockEnabled(): Promise<boolean> {
    if (this.lockEnabled && this.lockCheckedAt !== undefined && Date.now() - this.lockCheckedAt > 60_000) this.lockEnabled = undefined;
    if (!this.lockEnabled) this.lockCheckedAt = undefined;
    this.lockEnabled ??= (async () => {
      try {
        const out = await this.client.send(new GetObjectLockConfigurationCommand({ Bucket: this.bucket }));
        return out.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
      } catch (error) {
        if (isNotFound(error) || isUnsupported(error) || isAccessDenied(error) || errorCodeOf(error) === 'ObjectLockConfigurationNotFoundError') return false;
        throw toOperationError('GetObjectLockConfiguration', this.bucket, undefined, error);
      }
    })();
    const pending = this.lockEnabled;
    const enabled = await pending.catch((error: unknown) => {
      if (this.lockEnabled === pending) this.lockEnabled = undefined;
      throw error;
    });
    if (!enabled) this.lockCheckedAt ??= Date.now();
    return enabled;
  }

  private async lockedUntilFull(full: string): Promise<Date | undefined> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: full }));
      const until = out.ObjectLockRetainUntilDate;
      return until !== undefined && out.ObjectLockMode !== undefined && until.getTime() > Date.now() ? until : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toOperationError('HeadObject', this.bucket, full, error);
    }
  }

  async lockedUntil(key: string): Promise<Date | undefined> {
    if (!(await this.isLockEnabled())) return undefined;
    return this.lockedUntilFull(this.fullKey(key));
  }

  async copyFrom(source: Storage, key: string, size: number): Promise<boolean> {
    if (!(source instanceof S3Storage) || source.endpointKey !== this.endpointKey) return false;
    // A server-side copy is verified by reading it back, which archive classes do not allow: stream instead.
    if (ARCHIVE_CLASSES.has(this.options.storageClass ?? '')) return false;
    const params = this.objectParams(key);
    try {
      await copyObjectServerSide({
        client: this.client,
        from: { bucket: source.bucket, key: source.fullKey(key) },
        to: { bucket: this.bucket, key: this.fullKey(key) },
        size,
        threshold: this.options.copyThreshold,
        partSize: this.options.copyPartSize,
        queueSize: this.options.queueSize,
        params: {
          ...(params.StorageClass ? { StorageClass: params.StorageClass } : {}),
          ...(params.ServerSideEncryption ? { ServerSideEncryption: params.ServerSideEncryption } : {}),
          ...(params.SSEKMSKeyId ? { SSEKMSKeyId: params.SSEKMSKeyId } : {}),
          ...(params.Tagging ? { Tagging: params.Tagging } : {}),
        },
      });
      return true;
    } catch (error) {
      // Another account or an endpoint without copy support: the caller streams instead.
      if (isAccessDenied(error) || isUnsupported(error)) return false;
      throw error;
    }
  }
}
