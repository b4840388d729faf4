// Storage backends: keys are '/'-separated and relative to the tier's root (path or bucket prefix).
import type { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  modified: Date;
}

export interface Storage {
  readonly kind: 'local' | 's3';
  /** Human-readable location, e.g. /var/backups/strata or s3://bucket/prefix/. Never holds credentials. */
  readonly location: string;
  /**
   * Write an object from a stream. The object appears under `key` only once fully written
   * (local: temp name + fsync + rename; S3: multipart complete), so a crash leaves no partial object under `key`.
   */
  put(key: string, body: Readable): Promise<{ bytes: number }>;
  get(key: string): Promise<Readable>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** All objects under a key prefix, including temp/debris files. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  delete(keys: string[]): Promise<void>;
}
