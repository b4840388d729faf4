// Exact snapshots of a tree, for comparing what tar tools and Strata extracted with the original:
// names as bytes, type, mode, owners, mtimes to the nanosecond, content (sha256), symlink targets as
// bytes, device numbers, hard-link identity, allocated blocks. Names are byte strings (latin1, one char
// per byte), so names that are not UTF-8 are compared exactly; messages escape them.
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readdirSync, readlinkSync, readSync } from 'node:fs';

export interface ExactNode {
  /** Relative name as a byte string ('.' for the root). */
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'fifo' | 'char' | 'block' | 'socket';
  mode: number;
  uid: number;
  gid: number;
  mtimeNs: bigint;
  size: number;
  /** 512-byte blocks allocated (files). */
  blocks: number;
  sha256?: string;
  /** Symlink target as a byte string. */
  target?: string;
  rdev?: bigint;
  /** For files with more than one name: the first name (in byte order) of the same inode in this tree. */
  linkGroup?: string;
}

const bytes = (name: string): Buffer => Buffer.from(name, 'latin1');

/** A byte string for humans: printable ASCII as is, everything else as \xNN; long names shortened. */
export function showName(name: string): string {
  const text = name.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > 120 ? `${text.slice(0, 50)}…(${name.length} bytes)…${text.slice(-50)}` : text;
}

function hashFile(path: Buffer): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

function typeOf(stat: ReturnType<typeof lstatSync>): ExactNode['type'] {
  if (stat!.isFile()) return 'file';
  if (stat!.isDirectory()) return 'dir';
  if (stat!.isSymbolicLink()) return 'symlink';
  if (stat!.isFIFO()) return 'fifo';
  if (stat!.isCharacterDevice()) return 'char';
  if (stat!.isBlockDevice()) return 'block';
  return 'socket';
}

/** `root` is a text path; everything below it is read as bytes. */
export function snapshotExact(root: string): ExactNode[] {
  const nodes: ExactNode[] = [];
  const inodes = new Map<string, string[]>();
  const base = Buffer.from(root, 'utf8').toString('latin1');
  const walk = (rel: string): void => {
    const path = bytes(rel === '.' ? base : `${base}/${rel}`);
    const stat = lstatSync(path, { bigint: true });
    const type = typeOf(stat as never);
    const node: ExactNode = {
      name: rel,
      type,
      mode: Number(stat.mode & 0o7777n),
      uid: Number(stat.uid),
      gid: Number(stat.gid),
      mtimeNs: stat.mtimeNs,
      size: type === 'file' ? Number(stat.size) : 0,
      blocks: Number(stat.blocks),
    };
    if (type === 'file') node.sha256 = hashFile(path);
    if (type === 'symlink') node.target = readlinkSync(path, { encoding: 'buffer' }).toString('latin1');
    if (type === 'char' || type === 'block') node.rdev = stat.rdev;
    if (type !== 'dir' && stat.nlink > 1n) {
      const key = `${stat.ino}`;
      inodes.set(key, [...(inodes.get(key) ?? []), rel]);
    }
    nodes.push(node);
    if (type === 'dir') {
      const children = readdirSync(path, { encoding: 'buffer' }).sort(Buffer.compare);
      for (const child of children) walk(rel === '.' ? child.toString('latin1') : `${rel}/${child.toString('latin1')}`);
    }
  };
  walk('.');
  for (const names of inodes.values()) {
    const first = [...names].sort()[0]!;
    for (const node of nodes) if (names.includes(node.name)) node.linkGroup = first;
  }
  return nodes;
}

export interface DiffOptions {
  /** Leave a key of a node out of the comparison (e.g. a tool's documented limitation). */
  ignore?: (node: ExactNode, key: keyof ExactNode, actual: ExactNode) => boolean;
}

const KEYS = ['type', 'mode', 'uid', 'gid', 'mtimeNs', 'size', 'sha256', 'target', 'rdev', 'linkGroup'] as const;

/** Differences between two snapshots (empty when equal): every key but allocated blocks. */
export function diffExact(expected: ExactNode[], actual: ExactNode[], options: DiffOptions = {}): string[] {
  const got = new Map(actual.map((n) => [n.name, n]));
  const want = new Set(expected.map((n) => n.name));
  const out: string[] = [];
  for (const node of expected) {
    const other = got.get(node.name);
    if (!other) {
      out.push(`missing: ${showName(node.name)} (${node.type})`);
      continue;
    }
    for (const key of KEYS) {
      if (node[key] === other[key] || options.ignore?.(node, key, other)) continue;
      const show = (v: unknown): string => (key === 'mode' && typeof v === 'number' ? v.toString(8) : typeof v === 'string' && key !== 'sha256' ? showName(v) : String(v));
      out.push(`${showName(node.name)}: ${key} expected ${show(node[key])}, got ${show(other[key])}`);
    }
  }
  for (const node of actual) if (!want.has(node.name)) out.push(`unexpected: ${showName(node.name)} (${node.type})`);
  return out;
}
