// S3 errors in plain words: which operation on which bucket and key failed, after how many attempts, and why.
// The SDK's own messages are often just "UnknownError" (radosgw, MinIO send bodiless errors), so the
// HTTP status and error code are what the operator sees.

/** A failed S3 request, after the SDK's retries. Never carries credentials or the resolved endpoint. */
export class S3OperationError extends Error {
  constructor(
    message: string,
    readonly operation: string,
    readonly bucket: string,
    readonly key: string | undefined,
    readonly status: number | undefined,
    readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'S3OperationError';
  }
}

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $response?: { statusCode?: number };
}

function shape(error: unknown): SdkErrorShape {
  return (error && typeof error === 'object' ? error : {}) as SdkErrorShape;
}

export function httpStatusOf(error: unknown): number | undefined {
  const e = shape(error);
  return e.$metadata?.httpStatusCode ?? e.$response?.statusCode;
}

/** The S3 error code (NoSuchKey, AccessDenied …), or the Node network code (ECONNRESET …). */
export function errorCodeOf(error: unknown): string | undefined {
  const e = shape(error);
  if (e instanceof S3OperationError) return e.code;
  const code = e.Code ?? (e.name && e.name !== 'Error' && e.name !== 'UnknownError' ? e.name : undefined) ?? e.code;
  return code;
}

export function attemptsOf(error: unknown): number | undefined {
  return shape(error).$metadata?.attempts;
}

export function isNotFound(error: unknown): boolean {
  const code = errorCodeOf(error);
  return httpStatusOf(error) === 404 || code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchBucket';
}

/**
 * The endpoint does not implement the operation (radosgw and PutBucketEncryption, R2 and object lock …).
 * S3-compatible stores answer that with 501, 405, or a 400 that is not about the request's content.
 */
export function isUnsupported(error: unknown): boolean {
  const status = httpStatusOf(error);
  const code = errorCodeOf(error);
  if (status === 501 || status === 405 || code === 'NotImplemented' || code === 'MethodNotAllowed') return true;
  return status === 400 && (code === 'InvalidArgument' || code === 'InvalidRequest' || code === 'UnsupportedOperation' || code === 'UnknownError' || code === undefined);
}

export function isAccessDenied(error: unknown): boolean {
  return httpStatusOf(error) === 403 || errorCodeOf(error) === 'AccessDenied';
}

/** Errors worth another attempt: 5xx, throttling, dropped or refused connections, timeouts. */
export function isRetryable(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) return status >= 500 || status === 429 || errorCodeOf(error) === 'SlowDown' || errorCodeOf(error) === 'RequestTimeout';
  const code = shape(error).code ?? '';
  const name = shape(error).name ?? '';
  return (
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ERR_STREAM_PREMATURE_CLOSE'].includes(code) ||
    name === 'TimeoutError' ||
    /socket hang up|aborted|premature close|ended early/i.test(shape(error).message ?? '')
  );
}

/** "HTTP 500 InternalError: …" or "ECONNRESET: socket hang up": what went wrong, without SDK noise. */
export function describeS3Error(error: unknown): string {
  if (error instanceof S3OperationError) return error.message;
  const e = shape(error);
  const status = httpStatusOf(error);
  const code = errorCodeOf(error);
  const message = e.message && e.message !== 'UnknownError' && e.message !== code ? e.message : '';
  if (status !== undefined) return [`HTTP ${status}`, code, message ? `: ${message}` : ''].filter(Boolean).join(' ').replace(' :', ':');
  if (code && message) return `${code}: ${message}`;
  return message || code || String(error);
}

export function s3Url(bucket: string, key?: string): string {
  return key === undefined ? `s3://${bucket}` : `s3://${bucket}/${key}`;
}

/** Wrap any failure of `fn` in an S3OperationError naming the operation, bucket and key. */
export async function withS3Context<T>(operation: string, bucket: string, key: string | undefined, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toOperationError(operation, bucket, key, error);
  }
}

export function toOperationError(operation: string, bucket: string, key: string | undefined, error: unknown): S3OperationError {
  if (error instanceof S3OperationError) return error;
  const attempts = attemptsOf(error);
  const tries = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';
  return new S3OperationError(
    `S3 ${operation} of ${s3Url(bucket, key)} failed${tries}: ${describeS3Error(error)}`,
    operation,
    bucket,
    key,
    httpStatusOf(error),
    errorCodeOf(error),
    { cause: error },
  );
}
