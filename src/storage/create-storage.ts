// Storage factory: one backend per tier (local directory or S3 bucket).
import { isAbsolute, resolve } from 'node:path';
import type { ResolvedTier } from '../model/policy-model.js';
import { LocalStorage } from './local/local-storage.js';
import { s3OptionsFromTier } from './s3/s3-options.js';
import { S3Storage } from './s3/s3-storage.js';
import type { Storage } from './storage.js';

export function createStorage(tier: ResolvedTier, resolveSecret: (value: string) => string): Storage {
  const storage = tier.storage;
  switch (storage.type) {
    case 'local': {
      // `${env:…}` may appear in any string, including the path; resolve it only now that it is needed.
      const path = storage.path.includes('${') ? resolveSecret(storage.path) : storage.path;
      if (!isAbsolute(path)) throw new Error(`tier "${tier.name}": local storage path must be absolute, got "${path}"`);
      return new LocalStorage(resolve(path));
    }
    case 's3':
      // Credentials are not resolved here: the AWS SDK's default provider chain finds them at the first request.
      return new S3Storage(s3OptionsFromTier(tier, resolveSecret), { tagArtifacts: (tier.lifecycle?.transitions?.length ?? 0) > 0 });
  }
}
