// Server-side copy between buckets on the same endpoint: the bytes never pass through this host.
// Up to the threshold one CopyObject; above it UploadPartCopy in parallel ranges (CopyObject stops at 5 GiB
// and is slow for big objects). A failed multipart copy is aborted.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
  type CompletedPart,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { abortMultipartUpload } from './s3-multipart.js';
import { withS3Context } from './s3-errors.js';
import { MAX_PARTS } from './s3-options.js';

export interface ObjectRef {
  bucket: string;
  key: string;
}

export interface CopyRequest {
  client: S3Client;
  from: ObjectRef;
  to: ObjectRef;
  size: number;
  threshold: number;
  partSize: number;
  queueSize: number;
  /** Storage class and encryption of the destination tier. */
  params?: Pick<PutObjectCommandInput, 'StorageClass' | 'ServerSideEncryption' | 'SSEKMSKeyId' | 'Tagging'>;
}

export function copySource(ref: ObjectRef): string {
  return `${encodeURIComponent(ref.bucket)}/${ref.key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Byte ranges [start, end] (inclusive) covering `size` in parts of at least `partSize`, at most 10 000. */
export function copyRanges(size: number, partSize: number): [number, number][] {
  const step = Math.max(partSize, Math.ceil(size / MAX_PARTS));
  const ranges: [number, number][] = [];
  for (let start = 0; start < size; start += step) ranges.push([start, Math.min(size, start + step) - 1]);
  return ranges;
}

async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

export async function copyObjectServerSide(request: CopyRequest): Promise<void> {
  const { client, from, to } = request;
  if (request.size <= request.threshold) {
    await withS3Context('CopyObject', to.bucket, to.key, () =>
      client.send(
        new CopyObjectCommand({
          ...request.params,
          // The destination tier decides the tags (lifecycle transitions filter on them), not the source.
          ...(request.params?.Tagging !== undefined ? { TaggingDirective: 'REPLACE' as const } : {}),
          Bucket: to.bucket,
          Key: to.key,
          CopySource: copySource(from),
          MetadataDirective: 'COPY',
        }),
      ),
    );
    return;
  }
  const created = await withS3Context('CreateMultipartUpload', to.bucket, to.key, () =>
    client.send(new CreateMultipartUploadCommand({ ...request.params, Bucket: to.bucket, Key: to.key })),
  );
  const uploadId = created.UploadId;
  if (!uploadId) throw new Error(`S3 CreateMultipartUpload of s3://${to.bucket}/${to.key} returned no upload id`);
  const parts: CompletedPart[] = [];
  try {
    const ranges = copyRanges(request.size, request.partSize).map((range, i) => ({ range, partNumber: i + 1 }));
    await runPool(ranges, request.queueSize, async ({ range, partNumber }) => {
      const result = await withS3Context('UploadPartCopy', to.bucket, to.key, () =>
        client.send(
          new UploadPartCopyCommand({
            Bucket: to.bucket,
            Key: to.key,
            UploadId: uploadId,
            PartNumber: partNumber,
            CopySource: copySource(from),
            CopySourceRange: `bytes=${range[0]}-${range[1]}`,
          }),
        ),
      );
      parts.push({ PartNumber: partNumber, ETag: result.CopyPartResult?.ETag });
    });
    parts.sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0));
    await withS3Context('CompleteMultipartUpload', to.bucket, to.key, () =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: uploadId, MultipartUpload: { Parts: parts } })),
    );
  } catch (error) {
    await abortMultipartUpload(client, to.bucket, to.key, uploadId).catch(() => undefined);
    throw error;
  }
}
