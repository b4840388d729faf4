// A storage that runs a callback once an artifact upload has carried `atBytes` bytes (the first chunk by
// default): tests abort a backup, or take its server away, while the dump is provably flowing. A callback
// that returns a promise holds that chunk back until it settles (e.g. a source file truncated mid-read).
import { Transform, type Readable } from 'node:stream';
import { chainStreams } from '../../src/pipeline/codecs.js';
import type { Storage } from '../../src/storage/storage.js';

export function withUploadHook(inner: Storage, onBytes: () => void | Promise<void>, atBytes = 1): Storage {
  return {
    kind: inner.kind,
    location: inner.location,
    get: (key) => inner.get(key),
    head: (key) => inner.head(key),
    list: (prefix) => inner.list(prefix),
    delete: (keys) => inner.delete(keys),
    put: (key: string, body: Readable) => {
      if (key.endsWith('manifest.json')) return inner.put(key, body);
      let seen = 0;
      const hook = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          const before = seen;
          seen += chunk.length;
          if (before >= atBytes || seen < atBytes) return callback(null, chunk);
          Promise.resolve(onBytes()).then(() => callback(null, chunk), callback);
        },
      });
      return inner.put(key, chainStreams(body, [hook]));
    },
  };
}
