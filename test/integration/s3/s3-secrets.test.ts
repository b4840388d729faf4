// An endpoint written as ${env:…} is a resolved secret: it appears in no error, location or message, even
// when the connection fails (Node's errors name the host and port). No S3 server needed: the port is closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from '../../../src/storage/create-storage.js';
import { s3OptionsFromTier } from '../../../src/storage/s3/s3-options.js';
import { S3Storage } from '../../../src/storage/s3/s3-storage.js';
import { freePort } from '../../helpers/s3-server.js';

describe('S3 endpoint from the environment', () => {
  const saved = { ...process.env };
  let endpoint: string;
  beforeAll(async () => {
    endpoint = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y', AWS_EC2_METADATA_DISABLED: 'true' });
  });
  afterAll(() => {
    for (const key of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_EC2_METADATA_DISABLED']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });

  it('is redacted from connection errors and never part of the location', async () => {
    const tier = { name: 'warm', storage: { type: 's3' as const, bucket: 'bkt', endpoint: '${env:S3_EP}', force_path_style: true, region: 'us-east-1' }, offsite: true };
    const resolve = (v: string) => v.replace('${env:S3_EP}', endpoint);
    const storage = new S3Storage(s3OptionsFromTier(tier, resolve, { maxAttempts: 1 }));
    expect(storage.location).toBe('s3://bkt/');
    const failure = await storage.head('k').then(
      () => undefined,
      (error: Error) => error,
    );
    expect(failure?.message).toMatch(/^S3 HeadObject of s3:\/\/bkt\/k failed: /);
    expect(failure?.message).toContain('ECONNREFUSED');
    expect(failure?.message).not.toContain(new URL(endpoint).host);
    expect(failure?.stack ?? '').not.toContain(new URL(endpoint).host);
    // A literal endpoint is not a secret: it stays visible, which helps when it is wrong.
    const plain = createStorage({ ...tier, storage: { ...tier.storage, endpoint } }, resolve) as S3Storage;
    expect(plain.options.redact).toBeUndefined();
  });
});
