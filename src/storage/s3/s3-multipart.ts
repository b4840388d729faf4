// Incomplete multipart uploads: invisible to ListObjects, billed anyway. A failed upload aborts its own;
// uploads left by a killed process are listed as debris and aborted by cleanup.
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { isNotFound, withS3Context } from './s3-errors.js';

export interface RawUpload {
  /** Full key, including the tier prefix. */
  key: string;
  uploadId: string;
  initiated?: Date;
}

export async function* listMultipartUploads(client: S3Client, bucket: string, prefix: string, pageSize?: number): AsyncGenerator<RawUpload> {
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await withS3Context('ListMultipartUploads', bucket, prefix, () =>
      client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker, MaxUploads: pageSize })),
    );
    for (const upload of page.Uploads ?? []) {
      if (upload.Key === undefined || upload.UploadId === undefined) continue;
      yield { key: upload.Key, uploadId: upload.UploadId, ...(upload.Initiated ? { initiated: upload.Initiated } : {}) };
    }
    if (!page.IsTruncated || (page.NextKeyMarker === undefined && page.NextUploadIdMarker === undefined)) return;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

export async function abortMultipartUpload(client: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  await withS3Context('AbortMultipartUpload', bucket, key, async () => {
    try {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    } catch (error) {
      // NoSuchUpload: already aborted or completed, which is what we wanted.
      if (!isNotFound(error) && (error as { name?: string }).name !== 'NoSuchUpload') throw error;
    }
  });
}

/** Abort every incomplete upload of exactly `key` (backup keys are unique, so none belongs to anyone else). */
export async function abortUploadsOfKey(client: S3Client, bucket: string, key: string): Promise<number> {
  let aborted = 0;
  for await (const upload of listMultipartUploads(client, bucket, key)) {
    if (upload.key !== key) continue;
    await abortMultipartUpload(client, bucket, key, upload.uploadId);
    aborted++;
  }
  return aborted;
}
