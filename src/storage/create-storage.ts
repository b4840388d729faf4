// Storage factory: one backend per tier. Only local storage exists in this slice; S3 is planned.
import { isAbsolute, resolve } from 'node:path';
import type { ResolvedTier } from '../model/policy-model.js';
import { LocalStorage } from './local/local-storage.js';
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
      throw new Error(`tier "${tier.name}": S3 storage is not supported yet (planned)`);
  }
}
