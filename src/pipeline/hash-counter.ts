// Pass-through stages that hash and count the bytes flowing through them, so the pipeline records
// sha256 and sizes in the same pass that moves the data (no second read).
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface Digest {
  sha256: string;
  bytes: number;
}

export interface HashCounter extends Transform {
  /** Hash and byte count of everything that passed so far (final once the stream has ended). */
  digest(): Digest;
}

export interface HashCounterOptions {
  /** Called with the running byte count after each chunk (callers throttle if they need to). */
  onBytes?: (bytes: number) => void;
}

class RunningDigest {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  update(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
  }

  digest(): Digest {
    // copy() keeps the running state usable, so digest() can be called at any time and more than once.
    return { sha256: this.hash.copy().digest('hex'), bytes: this.bytes };
  }
}

export function createHashCounter(options: HashCounterOptions = {}): HashCounter {
  const running = new RunningDigest();
  const stage = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      running.update(chunk);
      options.onBytes?.(running.bytes);
      callback(null, chunk);
    },
  }) as HashCounter;
  stage.digest = () => running.digest();
  return stage;
}

/**
 * Pass-through stage that fails at the end of the stream when the content does not match the expected
 * sha256/size, so a consumer that commits only on success (storage.put) never commits a corrupt copy.
 */
export function createVerifier(expected: Digest, what: string, options: HashCounterOptions = {}): HashCounter {
  const running = new RunningDigest();
  const stage = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      running.update(chunk);
      options.onBytes?.(running.bytes);
      if (running.bytes > expected.bytes) {
        callback(new Error(`${what}: size mismatch: expected ${expected.bytes} bytes, read more`));
        return;
      }
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const actual = running.digest();
      if (actual.bytes !== expected.bytes) {
        callback(new Error(`${what}: size mismatch: expected ${expected.bytes} bytes, read ${actual.bytes}`));
      } else if (actual.sha256 !== expected.sha256) {
        callback(new Error(`${what}: sha256 mismatch: expected ${expected.sha256}, got ${actual.sha256}`));
      } else {
        callback();
      }
    },
  }) as HashCounter;
  stage.digest = () => running.digest();
  return stage;
}
