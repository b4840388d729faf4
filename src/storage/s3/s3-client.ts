// The S3 client for one tier: credentials from the SDK default provider chain (environment, profile, web
// identity, instance metadata), never from the policy; standard retries with exponential backoff and
// jitter on 5xx, throttling and dropped connections; timeouts so a dead connection cannot hang a backup.
import { S3Client } from '@aws-sdk/client-s3';
import { redactSecrets } from '../../exec/exec.js';
import type { S3StorageOptions } from './s3-options.js';

export function createS3Client(options: S3StorageOptions): S3Client {
  // The SDK warns on stderr that future versions need Node 22; Strata supports Node 20, and the warning
  // would land in every command's output and in scheduled jobs' logs.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const checksums = options.checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  const client = new S3Client({
    // Custom endpoints rarely care about the region, but SigV4 needs one.
    region: options.region ?? (options.endpoint !== undefined ? 'us-east-1' : undefined),
    ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle,
    followRegionRedirects: true,
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    maxAttempts: options.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: 10_000,
      // Idle socket time; a stalled download is resumed by S3Storage.get with a ranged GET.
      socketTimeout: 120_000,
    },
  });
  if (options.redact && options.redact.length > 0) redactErrors(client, options.redact);
  if (process.env.STRATA_S3_DEBUG === '1') traceRequests(client);
  return client;
}

/** An endpoint from `${env:…}` is a resolved secret: network errors ("getaddrinfo ENOTFOUND host") must not show it. */
function redactErrors(client: S3Client, secrets: string[]): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (error instanceof Error) {
          error.message = redactSecrets(error.message, secrets);
          if (error.stack) error.stack = redactSecrets(error.stack, secrets);
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'strataRedactEndpoint' },
  );
}

/** STRATA_S3_DEBUG=1: one stderr line per S3 request attempt (operation, bucket, key, status, time). */
function traceRequests(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Bucket?: string; Key?: string };
      const what = `${context.commandName ?? 'request'} ${input.Bucket ?? ''}/${input.Key ?? ''}`;
      const started = Date.now();
      process.stderr.write(`[s3] → ${what}\n`);
      try {
        const out = await next(args);
        process.stderr.write(`[s3] ← ${what} ${(out.response as { statusCode?: number }).statusCode ?? '?'} ${Date.now() - started}ms\n`);
        return out;
      } catch (error) {
        process.stderr.write(`[s3] ✗ ${what} ${(error as Error).name} ${Date.now() - started}ms\n`);
        throw error;
      }
    },
    { step: 'finalizeRequest', name: 'strataTrace' },
  );
}
