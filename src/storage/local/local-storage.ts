// Local directory backend. An object appears under its key only once complete: it is written to a
// temp name in the same directory, fsynced, renamed, and the directory fsynced, so a crash (even
// SIGKILL or power loss) leaves either nothing or a temp file that scanTier reports as debris.
import { randomBytes } from 'node:crypto';
import { close, createReadStream, createWriteStream, fdatasync, fsync, open as openCallback } from 'node:fs';
import { promisify } from 'node:util';
import { mkdir, open, readdir, rename, rmdir, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ObjectInfo, Storage } from '../storage.js';

/** Background flush interval while writing an object. */
const SYNC_EVERY = 64 << 20;

/** Temp files are named `.<name>.tmp-<rand>` beside their final name. */
export const TEMP_MARKER = '.tmp-';

export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.includes(TEMP_MARKER);
}

export class LocalStorage implements Storage {
  readonly kind = 'local' as const;
  readonly location: string;

  constructor(readonly root: string) {
    this.location = resolve(root);
  }

  /** Map a key to a path, refusing anything that would land outside the root. */
  private pathOf(key: string): string {
    const parts = key.split('/');
    if (key === '' || key.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
      throw new Error(`invalid storage key "${key}"`);
    }
    return join(this.location, ...parts);
  }

  async put(key: string, body: Readable): Promise<{ bytes: number }> {
    const target = this.pathOf(key);
    const dir = dirname(target);
    await mkdir(dir, { recursive: true });
    const name = target.slice(dir.length + 1);
    const temp = join(dir, `.${name}${TEMP_MARKER}${randomBytes(4).toString('hex')}`);
    let bytes = 0;
    const fd = await openFd(temp, 'wx', 0o600);
    let fdOpen = true;
    // Flush to disk while writing (in the background, every SYNC_EVERY bytes), so the fsync that makes
    // the object durable before its rename has little left to do.
    let flushing: Promise<void> = Promise.resolve();
    let nextFlush = SYNC_EVERY;
    try {
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.length;
          if (bytes >= nextFlush) {
            nextFlush = bytes + SYNC_EVERY;
            flushing = flushing.then(() => new Promise<void>((done) => fdatasync(fd, () => done())));
          }
          callback(null, chunk);
        },
      });
      await pipeline(body, counter, createWriteStream(temp, { fd, autoClose: false, highWaterMark: 1 << 20 }));
      await flushing;
      await promisify(fsync)(fd);
      fdOpen = false;
      await promisify(close)(fd);
      await rename(temp, target);
      await syncPath(dir, 'r');
      return { bytes };
    } catch (error) {
      body.destroy();
      await flushing;
      if (fdOpen) await promisify(close)(fd).catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error(`object ${key} in ${this.location} is not a file`);
    } catch (error) {
      if (isNotFound(error)) throw new Error(`object ${key} not found in ${this.location}`, { cause: error });
      throw error;
    }
    return createReadStream(path, { highWaterMark: 1 << 20 });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const info = await stat(this.pathOf(key));
      return info.isFile() ? { key, size: info.size, modified: info.mtime } : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    // Start the walk at the deepest directory the prefix names, then filter by the full prefix.
    const slash = prefix.lastIndexOf('/');
    const base = slash >= 0 ? prefix.slice(0, slash) : '';
    if (base !== '') this.pathOf(base);
    yield* this.walk(base, prefix);
  }

  private async *walk(dirKey: string, prefix: string): AsyncGenerator<ObjectInfo> {
    const dirPath = dirKey === '' ? this.location : join(this.location, ...dirKey.split('/'));
    let names: string[];
    try {
      names = (await readdir(dirPath)).sort();
    } catch (error) {
      if (isNotFound(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw error;
    }
    for (const name of names) {
      const key = dirKey === '' ? name : `${dirKey}/${name}`;
      if (!key.startsWith(prefix) && !prefix.startsWith(`${key}/`)) continue;
      let info;
      try {
        info = await stat(join(dirPath, name));
      } catch (error) {
        if (isNotFound(error)) continue; // removed while listing
        throw error;
      }
      if (info.isDirectory()) yield* this.walk(key, prefix);
      else if (info.isFile() && key.startsWith(prefix)) yield { key, size: info.size, modified: info.mtime };
    }
  }

  async delete(keys: string[]): Promise<void> {
    const parents = new Set<string>();
    for (const key of keys) {
      const path = this.pathOf(key);
      try {
        await unlink(path);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      parents.add(dirname(path));
    }
    // Prune directories left empty, deepest first, never the root itself.
    const ordered = [...parents].sort((a, b) => b.length - a.length);
    for (const start of ordered) await this.pruneEmpty(start);
  }

  private async pruneEmpty(start: string): Promise<void> {
    let dir = start;
    while (dir.startsWith(this.location + sep) && dir !== this.location) {
      try {
        await rmdir(dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          dir = dirname(dir);
          continue;
        }
        return; // ENOTEMPTY, EEXIST, EBUSY …: stop at the first directory still in use
      }
      dir = dirname(dir);
    }
  }
}

const openFd = promisify(openCallback) as (path: string, flags: string, mode: number) => Promise<number>;

/** fsync through a fresh descriptor: fsync flushes the inode, whichever descriptor wrote it. */
async function syncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}
