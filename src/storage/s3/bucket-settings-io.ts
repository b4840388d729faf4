// Bucket settings I/O: read what a bucket has (tolerating endpoints that do not implement a setting) and
// write one planned change. Lifecycle writes re-read the rules first and replace only Strata's own, so
// foreign rules, and rules added between plan and apply, survive.
import {
  CreateBucketCommand,
  DeleteBucketLifecycleCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectLockConfigurationCommand,
  type BucketLocationConstraint,
  type LifecycleRule,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BucketChange, BucketSettingKind, BucketWrite, LockMode, ObservedBucket } from './bucket-settings.js';
import { ruleFromSdk, ruleToSdk } from './lifecycle-rules.js';
import { describeS3Error, errorCodeOf, isAccessDenied, isNotFound, isUnsupported, S3OperationError, s3Url, toOperationError } from './s3-errors.js';

/** Where the bucket is: an S3Storage fits (client, bucket, region). */
export interface BucketTarget {
  client: S3Client;
  bucket: string;
  region?: string;
}

/** The endpoint refused to write a setting it does not implement (radosgw and PutBucketEncryption …). */
export class BucketSettingUnsupportedError extends S3OperationError {}

const NOT_CONFIGURED = new Set([
  'NoSuchLifecycleConfiguration',
  'ServerSideEncryptionConfigurationNotFoundError',
  'ObjectLockConfigurationNotFoundError',
  'NoSuchObjectLockConfiguration',
]);

async function readSetting<T>(
  observed: ObservedBucket,
  kind: BucketSettingKind,
  operation: string,
  read: () => Promise<T>,
  whenNotConfigured: T,
): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (NOT_CONFIGURED.has(errorCodeOf(error) ?? '')) return whenNotConfigured;
    if (isUnsupported(error)) observed.unsupported.push(kind);
    else if (isAccessDenied(error)) observed.unreadable[kind] = `${operation} was refused (${describeS3Error(error)})`;
    else throw toOperationError(operation, observed.bucket, undefined, error);
    return undefined;
  }
}

export async function readBucketSettings(target: BucketTarget): Promise<ObservedBucket> {
  const { client, bucket } = target;
  const observed: ObservedBucket = { bucket, exists: false, unsupported: [], unreadable: {} };
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (isNotFound(error)) return observed;
    throw toOperationError('HeadBucket', bucket, undefined, error);
  }
  observed.exists = true;

  const versioning = await readSetting(observed, 'versioning', 'GetBucketVersioning', async () => {
    const out = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    return out.Status === 'Enabled' || out.Status === 'Suspended' ? out.Status : ('Off' as const);
  }, 'Off' as const);
  if (versioning !== undefined) observed.versioning = versioning;

  const lifecycle = await readSetting(observed, 'lifecycle', 'GetBucketLifecycleConfiguration', async () => {
    const out = await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
    return (out.Rules ?? []).map(ruleFromSdk);
  }, []);
  if (lifecycle !== undefined) observed.lifecycle = lifecycle;

  const encryption = await readSetting(observed, 'encryption', 'GetBucketEncryption', async () => {
    const out = await client.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    const rule = out.ServerSideEncryptionConfiguration?.Rules?.find((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm !== undefined);
    const defaults = rule?.ApplyServerSideEncryptionByDefault;
    if (!defaults?.SSEAlgorithm) return null;
    return { algorithm: String(defaults.SSEAlgorithm), ...(defaults.KMSMasterKeyID ? { kmsKeyId: defaults.KMSMasterKeyID } : {}) };
  }, null);
  if (encryption !== undefined) observed.encryption = encryption;

  const lock = await readSetting(observed, 'object-lock', 'GetObjectLockConfiguration', async () => {
    const out = await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    const config = out.ObjectLockConfiguration;
    const retention = config?.Rule?.DefaultRetention;
    const days = retention?.Days ?? (retention?.Years !== undefined ? retention.Years * 365 : undefined);
    return {
      enabled: config?.ObjectLockEnabled === 'Enabled',
      ...(retention?.Mode ? { mode: retention.Mode as LockMode } : {}),
      ...(days !== undefined ? { days } : {}),
    };
  }, { enabled: false });
  if (lock !== undefined) observed.objectLock = lock;
  return observed;
}

async function send<T>(target: BucketTarget, operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isUnsupported(error)) {
      throw new BucketSettingUnsupportedError(
        `the S3 endpoint does not support ${operation} on ${s3Url(target.bucket)} (${describeS3Error(error)}); the tier cannot honour this setting`,
        operation,
        target.bucket,
        undefined,
        undefined,
        errorCodeOf(error),
        { cause: error },
      );
    }
    throw toOperationError(operation, target.bucket, undefined, error);
  }
}

/** Make one planned change. Creating a bucket that this account already owns is not an error. */
export async function applyBucketChange(target: BucketTarget, change: BucketChange): Promise<void> {
  await applyBucketWrite(target, change.write);
}

/** The same, from the write alone (what a saved plan's bucket action carries). */
export async function applyBucketWrite(target: BucketTarget, write: BucketWrite): Promise<void> {
  const { client, bucket } = target;
  switch (write.kind) {
    case 'create-bucket': {
      const region = target.region;
      try {
        await client.send(
          new CreateBucketCommand({
            Bucket: bucket,
            ...(write.objectLock ? { ObjectLockEnabledForBucket: true } : {}),
            // us-east-1 is the one region that must not be named as a location constraint.
            ...(region && region !== 'us-east-1' ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } } : {}),
          }),
        );
      } catch (error) {
        if (errorCodeOf(error) === 'BucketAlreadyOwnedByYou') return;
        throw toOperationError('CreateBucket', bucket, undefined, error);
      }
      return;
    }
    case 'versioning':
      await send(target, 'PutBucketVersioning', () => client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: write.status } })));
      return;
    case 'lifecycle': {
      let current: LifecycleRule[] = [];
      try {
        current = (await client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
      } catch (error) {
        if (errorCodeOf(error) !== 'NoSuchLifecycleConfiguration') throw toOperationError('GetBucketLifecycleConfiguration', bucket, undefined, error);
      }
      const rules = [...current.filter((r) => !write.ownedRuleIds.includes(r.ID ?? '')), ...write.rules.map(ruleToSdk)];
      if (rules.length === 0) {
        await send(target, 'DeleteBucketLifecycle', () => client.send(new DeleteBucketLifecycleCommand({ Bucket: bucket })));
        return;
      }
      await send(target, 'PutBucketLifecycleConfiguration', () =>
        client.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules: rules } })),
      );
      return;
    }
    case 'encryption':
      await send(target, 'PutBucketEncryption', () =>
        client.send(
          new PutBucketEncryptionCommand({
            Bucket: bucket,
            ServerSideEncryptionConfiguration: {
              Rules: [
                {
                  ApplyServerSideEncryptionByDefault: { SSEAlgorithm: write.algorithm, ...(write.kmsKeyId ? { KMSMasterKeyID: write.kmsKeyId } : {}) },
                  ...(write.algorithm === 'aws:kms' ? { BucketKeyEnabled: true } : {}),
                },
              ],
            },
          }),
        ),
      );
      return;
    case 'object-lock':
      await send(target, 'PutObjectLockConfiguration', () =>
        client.send(
          new PutObjectLockConfigurationCommand({
            Bucket: bucket,
            ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: write.mode, Days: write.days } } },
          }),
        ),
      );
      return;
  }
}
