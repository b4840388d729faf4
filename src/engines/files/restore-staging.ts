// Where a files restore writes before it is sure: a hidden `.strata-restore-<id>` directory on the same
// filesystem as the place each entry will end up, mirroring the target's layout. Nothing in the target
// changes until `commit`, which runs only after the whole stream was read and verified: it moves the
// staged entries into place with rename(2) (a staged directory that does not exist in the target moves as
// a whole; one that exists is merged into, as tar does; an existing file is replaced atomically).
// A failure before that removes the staging directories and leaves the target as it was.
//
// One staging directory per filesystem (st_dev), placed in the deepest directory that already exists on
// the way to the entries (the target itself, or a directory symlinked into it from another volume, or
// the target's parent when the target does not exist yet), so every rename stays on one filesystem.
import { lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, statSync, unlinkSync, type Stats } from 'node:fs';
import { nativeFs } from './native-fs.js';
import { bytesOf, textOf } from './tar-entry.js';

/** Parent of a relative byte-string name; '' for a top-level name. */
export function parentOf(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash === -1 ? '' : name.slice(0, slash);
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function statOrUndefined(path: string, follow: boolean): Stats | undefined {
  try {
    return follow ? statSync(bytesOf(path)) : lstatSync(bytesOf(path));
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

interface Move {
  from: string;
  to: string;
  /** What is in the way and goes first: a non-directory replaced by a directory, or an empty directory. */
  clear?: 'unlink' | 'rmdir';
}

export class StagingArea {
  /** Staging directory per filesystem. */
  private readonly roots = new Map<number, string>();
  /** The times of each directory a staging directory was made in, to put back after a failure. */
  private readonly parents: { dir: string; atimeNs: bigint; mtimeNs: bigint }[] = [];
  /** Directories that entries were moved into by `commit` (their times change for a reason). */
  private readonly movedInto = new Set<string>();
  /** Staging directory for the entries of a directory (relative name; '' is the target). */
  private readonly dirRoots = new Map<string, string>();
  /** Staged directories known to exist. */
  private readonly made = new Set<string>();
  private readonly target: string;

  /** `target` is an absolute path (text). */
  constructor(
    target: string,
    private readonly id: string,
  ) {
    this.target = Buffer.from(target, 'utf8').toString('latin1');
  }

  /** Staging directories created so far (byte strings). */
  get directories(): string[] {
    return [...this.roots.values()];
  }

  /** Where a relative name ends up. */
  finalPath(name: string): string {
    if (name === '') return this.target;
    return this.target === '/' ? `/${name}` : `${this.target}/${name}`;
  }

  /** Where a relative name is staged; its parent directories are created. */
  prepare(name: string): string {
    const parent = parentOf(name);
    const root = this.rootFor(parent);
    if (parent !== '') {
      const dir = `${root}/${parent}`;
      if (!this.made.has(dir)) {
        mkdirSync(bytesOf(dir), { recursive: true });
        this.made.add(dir);
      }
    }
    return `${root}/${name}`;
  }

  /** Where a relative name was staged (for hard links), without creating anything. */
  stagedPath(name: string): string {
    return `${this.rootFor(parentOf(name))}/${name}`;
  }

  private rootFor(dir: string): string {
    const known = this.dirRoots.get(dir);
    if (known !== undefined) return known;
    const final = this.finalPath(dir);
    const stat = statOrUndefined(final, true);
    let root: string;
    if (stat?.isDirectory()) root = this.rootOn(stat.dev, final);
    else if (dir !== '') root = this.rootFor(parentOf(dir));
    else root = this.rootBesideTarget();
    this.dirRoots.set(dir, root);
    return root;
  }

  /** The target does not exist (or is not a directory yet): stage in its deepest existing ancestor. */
  private rootBesideTarget(): string {
    let dir = this.target;
    for (;;) {
      dir = dir.slice(0, Math.max(dir.lastIndexOf('/'), 0)) || '/';
      const stat = statOrUndefined(dir, true);
      if (stat?.isDirectory()) return this.rootOn(stat.dev, dir);
      if (dir === '/') throw new Error('no directory on the way to the target exists');
    }
  }

  private rootOn(device: number, dir: string): string {
    const known = this.roots.get(device);
    if (known !== undefined) return known;
    const root = `${dir === '/' ? '' : dir}/.strata-restore-${this.id}`;
    const { atimeNs, mtimeNs } = statSync(bytesOf(dir), { bigint: true });
    mkdirSync(bytesOf(root), { mode: 0o700 });
    this.parents.push({ dir, atimeNs, mtimeNs });
    this.roots.set(device, root);
    return root;
  }

  /**
   * Move everything staged into the target. All moves are planned (and conflicts found) before the first
   * one, so a conflict changes nothing; the moves themselves are renames on one filesystem.
   */
  commit(): number {
    const moves: Move[] = [];
    for (const root of this.roots.values()) this.plan(root, this.target, moves);
    mkdirSync(bytesOf(this.target), { recursive: true });
    let done = 0;
    try {
      for (const move of moves) {
        if (move.clear === 'unlink') unlinkSync(bytesOf(move.to));
        else if (move.clear === 'rmdir') rmdirSync(bytesOf(move.to));
        renameSync(bytesOf(move.from), bytesOf(move.to));
        this.movedInto.add(move.to.slice(0, Math.max(move.to.lastIndexOf('/'), 1)));
        done += 1;
      }
    } catch (error) {
      throw new Error(
        `moving the restored entries into place failed after ${done} of ${moves.length} (the target is partly restored; run the restore again): ${(error as Error).message}`,
        { cause: error },
      );
    }
    return moves.length;
  }

  private plan(staged: string, final: string, moves: Move[]): void {
    for (const child of readdirSync(bytesOf(staged), { encoding: 'buffer' })) {
      const name = child.toString('latin1');
      const from = `${staged}/${name}`;
      const to = final === '/' ? `/${name}` : `${final}/${name}`;
      const source = lstatSync(bytesOf(from));
      const existing = statOrUndefined(to, false);
      if (!existing) {
        moves.push({ from, to });
      } else if (source.isDirectory()) {
        // Merge into an existing directory, also one the host symlinked here (its own layout, as GNU tar follows it).
        const followed = existing.isSymbolicLink() ? statOrUndefined(to, true) : existing;
        if (followed?.isDirectory()) this.plan(from, to, moves);
        else moves.push({ from, to, clear: 'unlink' });
      } else if (existing.isDirectory()) {
        if (readdirSync(bytesOf(to)).length > 0) {
          throw new Error(`the archive has a ${source.isSymbolicLink() ? 'symlink' : 'file'} ${textOf(to)} where the target has a non-empty directory; move that directory away or restore --to an empty directory`);
        }
        moves.push({ from, to, clear: 'rmdir' });
      } else {
        moves.push({ from, to }); // rename(2) replaces a file, symlink or node atomically
      }
    }
  }

  /**
   * Remove every staging directory (after a failure, or what is left of them after a commit). The
   * directories they were made in get their times back (unless a commit moved entries into them), so
   * making and removing a staging directory is not a change.
   */
  remove(): void {
    for (const root of this.roots.values()) rmSync(bytesOf(root), { recursive: true, force: true });
    this.roots.clear();
    for (const { dir, atimeNs, mtimeNs } of this.parents) {
      if (!this.movedInto.has(dir)) nativeFs().setPathTimes(bytesOf(dir), atimeNs, mtimeNs, true);
    }
    this.parents.length = 0;
  }
}
