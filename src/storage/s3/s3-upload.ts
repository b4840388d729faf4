// Streaming upload through lib-storage's Upload: bounded memory (about queueSize + 2 parts), parts retried by
// the SDK. lib-storage keeps its other part uploaders reading the stream after one part has failed for good,
// so the first final part failure ends the source stream at once; a failed upload then aborts its multipart
// upload (lib-storage tries, and we make sure), so nothing is left behind and nothing appears under the key.
import { PutObjectCommand, UploadPartCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { Transform, type Readable } from 'node:stream';
import { chainStreams } from '../../pipeline/codecs.js';
import { abortUploadsOfKey } from './s3-multipart.js';
import { toOperationError } from './s3-errors.js';

export interface UploadRequest {
  client: S3Client;
  bucket: string;
  /** Full key, including the tier prefix. */
  key: string;
  body: Readable;
  partSize: number;
  queueSize: number;
  /** Storage class, server-side encryption and the like. */
  params?: Omit<PutObjectCommandInput, 'Bucket' | 'Key' | 'Body'>;
}

function operationName(command: unknown): string {
  const name = (command as { constructor?: { name?: string } }).constructor?.name ?? 'request';
  return name.replace(/Command$/, '');
}

function hasSdkMetadata(error: unknown): boolean {
  return typeof error === 'object' && error !== null && '$metadata' in error;
}

export async function uploadStream(request: UploadRequest): Promise<{ bytes: number }> {
  const { client, bucket, key } = request;
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  const source = chainStreams(request.body, [counter]);
  let failure: { operation: string; error: unknown } | undefined;

  // Same client, with failed part uploads noticed as they happen (after the SDK's own retries).
  const watched = Object.create(client) as S3Client;
  watched.send = ((command: unknown, ...rest: unknown[]) =>
    (client.send as (c: unknown, ...r: unknown[]) => Promise<unknown>).call(client, command, ...rest).catch((error: unknown) => {
      const operation = operationName(command);
      // A failed abort after a source failure is not the story; the source's error is.
      if (operation !== 'AbortMultipartUpload') failure ??= { operation, error };
      if (command instanceof UploadPartCommand || command instanceof PutObjectCommand) source.destroy(error as Error);
      throw error;
    })) as S3Client['send'];

  const upload = new Upload({
    client: watched,
    params: { ...request.params, Bucket: bucket, Key: key, Body: source },
    partSize: request.partSize,
    queueSize: request.queueSize,
    leavePartsOnError: false,
  });
  try {
    await upload.done();
    return { bytes };
  } catch (error) {
    source.destroy();
    request.body.destroy();
    // lib-storage aborts the multipart upload itself, unless that request failed too: make sure.
    await abortUploadsOfKey(client, bucket, key).catch(() => undefined);
    if (failure) throw toOperationError(failure.operation, bucket, key, failure.error);
    if (/Exceeded \d+ parts/.test((error as Error).message)) {
      const limit = (request.partSize * 10_000) / 1024 ** 3;
      throw new Error(
        `S3 upload of s3://${bucket}/${key} failed: the object is larger than ${request.partSize / 1024 ** 2} MiB × 10 000 parts (${limit.toFixed(0)} GiB), ` +
          'the most one multipart upload can hold with this part size; raise part_size_mb of the tier',
        { cause: error },
      );
    }
    if (hasSdkMetadata(error)) throw toOperationError('upload', bucket, key, error);
    throw error; // the source stream failed (engine, compressor …): its own message is the useful one
  }
}
