// Generate test trees and compare them: content (sha256), type, mode, mtime (whole seconds, as tar keeps
// them), symlink targets. Differences come back as readable lines so a failing test says what differs.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readFile, readdir, readlink, symlink, utimes, lutimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface TreeNode {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  mtime: number;
  size: number;
  sha256?: string;
  target?: string;
}

export interface SnapshotOptions {
  /** Compare directory mtimes (true by default). */
  dirMtimes?: boolean;
  /** Compare symlink mtimes (false by default: not every tool restores them). */
  symlinkMtimes?: boolean;
}

export async function snapshotTree(root: string, options: SnapshotOptions = {}): Promise<TreeNode[]> {
  const nodes: TreeNode[] = [];
  const walk = async (rel: string): Promise<void> => {
    const abs = rel === '' ? root : join(root, rel);
    const info = await lstat(abs);
    const type = info.isFile() ? 'file' : info.isDirectory() ? 'dir' : info.isSymbolicLink() ? 'symlink' : 'other';
    const keepMtime = type === 'file' || (type === 'dir' && options.dirMtimes !== false) || (type === 'symlink' && options.symlinkMtimes === true);
    const node: TreeNode = {
      path: rel === '' ? '.' : rel,
      type,
      mode: type === 'symlink' ? 0 : info.mode & 0o7777,
      mtime: keepMtime ? Math.floor(info.mtimeMs / 1000) : 0,
      size: type === 'file' ? info.size : 0,
    };
    if (type === 'file') node.sha256 = createHash('sha256').update(await readFile(abs)).digest('hex');
    if (type === 'symlink') node.target = await readlink(abs);
    nodes.push(node);
    if (type === 'dir') {
      for (const name of (await readdir(abs)).sort()) await walk(rel === '' ? name : `${rel}/${name}`);
    }
  };
  await walk('');
  return nodes;
}

/** Differences between two snapshots, empty when equal. `ignore` drops paths from the expected side. */
export function diffTrees(expected: TreeNode[], actual: TreeNode[], ignore: (path: string) => boolean = () => false): string[] {
  const want = new Map(expected.filter((n) => !ignore(n.path)).map((n) => [n.path, n]));
  const got = new Map(actual.map((n) => [n.path, n]));
  const out: string[] = [];
  for (const [path, node] of want) {
    const other = got.get(path);
    if (!other) {
      out.push(`missing: ${path}`);
      continue;
    }
    for (const key of ['type', 'mode', 'mtime', 'size', 'sha256', 'target'] as const) {
      if (node[key] !== other[key]) {
        const show = (v: unknown): string => (key === 'mode' && typeof v === 'number' ? v.toString(8) : String(v));
        out.push(`${path}: ${key} expected ${show(node[key])}, got ${show(other[key])}`);
      }
    }
  }
  for (const path of got.keys()) if (!want.has(path)) out.push(`unexpected: ${path}`);
  return out;
}

/**
 * A small tree that exercises what a files backup must keep: nested dirs, binary, empty and text files,
 * modes 0600/0755/0555-dir, fixed mtimes, relative and absolute symlinks, and `*.tmp` files to exclude.
 */
export async function generateSampleTree(root: string): Promise<void> {
  const file = async (rel: string, content: string | Buffer, mode = 0o644): Promise<void> => {
    const abs = join(root, rel);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
    await chmod(abs, mode);
  };
  await file('docs/readme.txt', 'hello strata\n'.repeat(100));
  await file('docs/nested/deeper/notes.md', '# notes\n');
  await file('docs/nested/secret.key', 'not really a key\n', 0o600);
  await file('bin/run.sh', '#!/bin/sh\necho run\n', 0o755);
  await file('data/blob.bin', randomBytes(300_000));
  await file('data/big.bin', randomBytes(3 << 20)); // larger than the packer's small-file limit
  await file('data/empty', '');
  await file('data/scratch.tmp', 'excluded\n');
  await file('docs/nested/also.tmp', 'excluded too\n');
  await file('name with spaces & ünïcode.txt', 'odd names\n');
  await file(`long/${'d'.repeat(120)}/${'f'.repeat(120)}.txt`, 'long path (pax header)\n');
  await mkdir(join(root, 'empty-dir'));
  await symlink('docs/readme.txt', join(root, 'link-to-readme'));
  await symlink('/etc/hostname', join(root, 'absolute-link'));
  await mkdir(join(root, 'readonly'));
  await file('readonly/inside.txt', 'in a read-only dir\n');
  // Every entry gets its own fixed mtime (with a fractional second, which tar floors), so comparisons
  // never depend on the clock; directories last, deepest first, since creating entries changes them.
  await lutimes(join(root, 'link-to-readme'), new Date('2023-05-06T07:08:09.250Z'), new Date('2023-05-06T07:08:09.250Z'));
  const all = await listPaths(root);
  const base = Date.parse('2024-02-03T04:05:06.750Z');
  for (const [i, rel] of all.files.entries()) {
    const at = new Date(base - i * 86_400_000);
    await utimes(join(root, rel), at, at);
  }
  // Just below a whole second: rounding (instead of truncating) to whole seconds would show here.
  await utimes(join(root, 'docs/readme.txt'), 1_700_000_000.9996, 1_700_000_000.9996);
  await chmod(join(root, 'readonly'), 0o555);
  for (const [i, rel] of all.dirs.sort((a, b) => b.length - a.length).entries()) {
    const at = new Date(base - (i + 100) * 86_400_000);
    await utimes(rel === '' ? root : join(root, rel), at, at);
  }
}

async function listPaths(root: string): Promise<{ files: string[]; dirs: string[] }> {
  const files: string[] = [];
  const dirs: string[] = [''];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        dirs.push(child);
        await walk(child);
      } else if (entry.isFile()) {
        files.push(child);
      }
    }
  };
  await walk('');
  return { files: files.sort(), dirs };
}
