// Storage backends: keys are '/'-separated and relative to the tier's root (path or bucket prefix).
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  modified: Date;
}

/** A multipart upload that was started but never completed or aborted (S3): invisible to `list`. */
export interface IncompleteUpload {
  key: string;
  uploadId: string;
  /** ISO time the upload started. */
  initiated?: string;
}

export interface PutOptions {
  /** Size of the body when known in advance (copies): lets S3 pick a part size that fits 10 000 parts. */
  size?: number;
}

export interface Storage {
  readonly kind: 'local' | 's3';
  /** Human-readable location, e.g. /var/backups/strata or s3://bucket/prefix/. Never holds credentials. */
  readonly location: string;
  /**
   * Write an object from a stream. The object appears under `key` only once fully written
   * (local: temp name + fsync + rename; S3: multipart complete), so a crash leaves no partial object under `key`.
   */
  put(key: string, body: Readable, options?: PutOptions): Promise<{ bytes: number }>;
  get(key: string): Promise<Readable>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** All objects under a key prefix, including temp/debris files. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  delete(keys: string[]): Promise<void>;
  // Optional capabilities (S3): callers check for them and fall back when absent.
  /** Incomplete multipart uploads under a key prefix. */
  listIncompleteUploads?(prefix: string): AsyncIterable<IncompleteUpload>;
  /** Abort one incomplete multipart upload; an upload that is already gone is not an error. */
  abortIncompleteUpload?(upload: IncompleteUpload): Promise<void>;
  /** When the object lock on `key` ends, if it is locked now (undefined: not locked, or no object lock). */
  lockedUntil?(key: string): Promise<Date | undefined>;
  /**
   * Copy `key` from `source` (the same key on another tier) without streaming it through this host.
   * Resolves false when a server-side copy is not possible (other endpoint, refused), so the caller streams.
   */
  copyFrom?(source: Storage, key: string, size: number): Promise<boolean>;
}
