// Restore side of the files engine: read a tar stream into a staging directory (restore-staging.ts) and
// move it into the target only once the whole stream was read and ended cleanly. The caller's stream
// ends only when the decoded bytes match the backup's raw sha256 (src/pipeline/verify-digest.ts), so a
// backup that is damaged, truncated, unsafe or not the one the manifest describes leaves the target as
// it was: the staging directory is removed and the error says so.
// Restored exactly, as GNU tar -xp does as root: content (zero runs left as holes), modes, owners (by
// name when the name exists here, else by number), mtimes to the nanosecond, symlinks (targets byte for
// byte, owners with lchown), hard links, FIFOs and device nodes (when permitted), names as bytes.
// Archives are untrusted: see path-guard.ts.
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, constants, fchmodSync, fchownSync, lchownSync, linkSync, lstatSync, mkdirSync, openSync, rmdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { RestoreRequest } from '../engine.js';
import type { SourceStats } from '../../model/manifest.js';
import { countEntry, emptyFileStats, toSourceStats } from './file-stats.js';
import { nativeFs, S_IFBLK, S_IFCHR, S_IFIFO, type NativeFs } from './native-fs.js';
import { PathGuard } from './path-guard.js';
import { createOnlyMatcher } from './path-filter.js';
import { StagingArea } from './restore-staging.js';
import { SparseWriter } from './sparse-writer.js';
import { bytesOf, textOf, TYPE_NAMES, type TarEntryMeta } from './tar-entry.js';
import { TarParser, type EntrySink, type ParserHandler } from './tar-parser.js';

const NODE_TYPES = { fifo: S_IFIFO, char: S_IFCHR, block: S_IFBLK } as const;

interface DirMeta {
  name: string;
  meta: TarEntryMeta;
}

class Extractor implements ParserHandler {
  readonly stats = emptyFileStats();
  readonly dirs: DirMeta[] = [];
  private readonly guard = new PathGuard();
  private readonly native: NativeFs = nativeFs();
  /** The file being written, closed by `abandon` if the restore fails part-way. */
  openFd: number | undefined;

  constructor(
    readonly staging: StagingArea,
    private readonly selected: (name: string) => boolean,
    private readonly keepOwners: boolean,
    private readonly warn: (message: string) => void,
  ) {}

  entry(meta: TarEntryMeta): EntrySink | undefined {
    this.guard.check(meta);
    if (!this.selected(textOf(meta.name))) return undefined;
    const staged = this.staging.prepare(meta.name);
    switch (meta.kind) {
      case 'dir':
        this.makeDir(staged);
        this.dirs.push({ name: meta.name, meta });
        break;
      case 'file':
        return this.createFile(staged, meta);
      case 'symlink':
        this.replacing(staged, () => symlinkSync(bytesOf(meta.linkname), bytesOf(staged)));
        if (this.keepOwners) lchownSync(bytesOf(staged), ...this.owner(meta));
        this.native.setPathTimes(bytesOf(staged), meta.mtimeNs, meta.mtimeNs);
        break;
      case 'link': {
        const first = this.staging.stagedPath(meta.linkname);
        try {
          lstatSync(bytesOf(first));
        } catch {
          throw new Error(`the hard link ${textOf(meta.name)} points to ${textOf(meta.linkname)}, which this restore did not extract (left out by --only?)`);
        }
        this.replacing(staged, () => linkSync(bytesOf(first), bytesOf(staged)));
        break;
      }
      default:
        if (!this.createNode(staged, meta)) return undefined;
    }
    countEntry(this.stats, TYPE_NAMES[meta.kind], 0);
    return undefined;
  }

  private owner(meta: TarEntryMeta): [number, number] {
    // GNU tar's default as root: the owner's name where it exists on this host, else the number.
    const uid = (meta.uname ? this.native.userId(meta.uname) : undefined) ?? meta.uid;
    const gid = (meta.gname ? this.native.groupId(meta.gname) : undefined) ?? meta.gid;
    return [uid, gid];
  }

  private makeDir(staged: string): void {
    const existing = lstatOrUndefined(staged);
    if (existing?.isDirectory()) return;
    // A later entry replaces an earlier one of the same name (tar's rule), a symlink too: never descend through it.
    if (existing) unlinkSync(bytesOf(staged));
    mkdirSync(bytesOf(staged));
  }

  /** Create a non-directory; an earlier entry of the same name in this archive is replaced. */
  private replacing(staged: string, create: () => void): void {
    try {
      create();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (lstatSync(bytesOf(staged)).isDirectory()) rmdirSync(bytesOf(staged));
      else unlinkSync(bytesOf(staged));
      create();
    }
  }

  private createFile(staged: string, meta: TarEntryMeta): EntrySink {
    let fd = -1;
    this.replacing(staged, () => {
      fd = openSync(bytesOf(staged), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    });
    this.openFd = fd;
    const writer = new SparseWriter(fd);
    countEntry(this.stats, 'File', meta.size);
    return {
      write: (chunk) => writer.write(chunk),
      end: () => {
        writer.end();
        // chown before chmod: chown clears setuid/setgid bits.
        if (this.keepOwners) fchownSync(fd, ...this.owner(meta));
        fchmodSync(fd, meta.mode);
        this.native.setFdTimes(fd, meta.mtimeNs, meta.mtimeNs);
        closeSync(fd);
        this.openFd = undefined;
      },
    };
  }

  /** A FIFO or device node; false (with a warning) when this host does not permit creating it. */
  private createNode(staged: string, meta: TarEntryMeta): boolean {
    const kind = meta.kind as keyof typeof NODE_TYPES;
    try {
      this.replacing(staged, () => this.native.mknod(bytesOf(staged), NODE_TYPES[kind], 0o600, meta.devmajor, meta.devminor));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'ENOSYS' && code !== 'EACCES') throw error;
      const what = kind === 'fifo' ? 'FIFO' : `${kind} device ${meta.devmajor},${meta.devminor}`;
      const why = code === 'ENOSYS' ? 'this platform cannot create it' : 'creating device nodes needs root (or CAP_MKNOD)';
      this.warn(`skipped ${what} ${textOf(meta.name)}: ${why}`);
      this.stats.skipped += 1;
      return false;
    }
    if (this.keepOwners) chownSync(bytesOf(staged), ...this.owner(meta));
    chmodSync(bytesOf(staged), meta.mode);
    this.native.setPathTimes(bytesOf(staged), meta.mtimeNs, meta.mtimeNs);
    return true;
  }

  /** Directory metadata, at the final paths once everything is in place, deepest first (writing into a directory changes its mtime). */
  applyDirectoryMeta(): void {
    const dirs = [...this.dirs].sort((a, b) => b.name.length - a.name.length);
    for (const { name, meta } of dirs) {
      const path = bytesOf(this.staging.finalPath(name));
      if (this.keepOwners) chownSync(path, ...this.owner(meta));
      chmodSync(path, meta.mode);
      this.native.setPathTimes(path, meta.mtimeNs, meta.mtimeNs, true);
    }
  }

  abandon(): void {
    if (this.openFd !== undefined) closeSync(this.openFd);
    this.openFd = undefined;
    this.staging.remove();
  }
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(bytesOf(path));
  } catch {
    return undefined;
  }
}

export async function restoreFiles(request: RestoreRequest, input: Readable): Promise<SourceStats> {
  const target = resolve(request.target);
  const staging = new StagingArea(target, randomBytes(4).toString('hex'));
  const keepOwners = process.getuid?.() === 0 && !request.noOwner;
  const extractor = new Extractor(staging, createOnlyMatcher(request.only), keepOwners, (message) => request.onWarning?.(`restore to ${target}: ${message}`));
  const parser = new TarParser(extractor);
  const onAbort = (): void => void input.destroy(new Error('restore aborted'));
  request.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (request.signal?.aborted) throw new Error('restore aborted');
    // Read to the very end, past the end-of-archive marker: the stream verifies its digest when it ends.
    for await (const chunk of input) parser.write(chunk as Buffer);
    parser.finish();
  } catch (error) {
    const where = staging.directories.map(textOf).join(', ');
    extractor.abandon();
    input.destroy();
    throw new Error(`${(error as Error).message}; nothing was written to ${target}${where ? ` (the partial restore in ${where} was removed)` : ''}`, { cause: error });
  } finally {
    request.signal?.removeEventListener('abort', onAbort);
  }
  try {
    staging.commit();
  } finally {
    staging.remove();
  }
  extractor.applyDirectoryMeta();
  return toSourceStats(extractor.stats);
}
