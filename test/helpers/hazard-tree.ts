// Trees with what tar archives get wrong: names of 99 to 4000 bytes, NFC and NFD names side by side,
// names and symlink targets that are not UTF-8, fractional mtimes before 1970, near 2038 and in 2243,
// hard links, FIFOs, device nodes, sparse files, ids over 2097151, named owners. Each builder makes one
// hazard under `root/<hazard>`; `settleDirectoryTimes` gives every directory a fractional mtime last.
// Times are set with utimensat through koffi (Node's utimes cuts them to microseconds); everything else
// uses Node's fs or the standard tools (mkfifo, mknod). Nothing here uses Strata's own tar code.
import { chownSync, closeSync, ftruncateSync, lchownSync, linkSync, mkdirSync, openSync, readdirSync, symlinkSync, writeFileSync, writeSync, chmodSync } from 'node:fs';
import koffi from 'koffi';
import { runCommand } from '../../src/exec/exec.js';

const libc = koffi.load('libc.so.6');
koffi.struct('hazard_timespec', { tv_sec: 'int64', tv_nsec: 'int64' });
const utimensat = libc.func('int utimensat(int dirfd, const uint8_t *path, const hazard_timespec *times, int flags)');

const bytes = (byteString: string): Buffer => Buffer.from(byteString, 'latin1');
/** A text path as a byte string (its UTF-8 bytes). */
const latin = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Set a path's mtime (and atime) to the nanosecond, without following a final symlink. */
export function setMtime(path: string, ns: bigint): void {
  let sec = ns / 1_000_000_000n;
  let nsec = ns % 1_000_000_000n;
  if (nsec < 0n) {
    sec -= 1n;
    nsec += 1_000_000_000n;
  }
  const time = { tv_sec: sec, tv_nsec: nsec };
  const AT_FDCWD = -100;
  const AT_SYMLINK_NOFOLLOW = 0x100;
  if (utimensat(AT_FDCWD, Buffer.concat([bytes(path), Buffer.alloc(1)]), [time, time], AT_SYMLINK_NOFOLLOW) !== 0) {
    throw new Error(`utimensat failed for ${path} (errno ${koffi.errno()})`);
  }
}

function dir(root: string, name: string): string {
  const path = `${latin(root)}/${name}`;
  mkdirSync(bytes(path), { recursive: true });
  return path;
}

function file(path: string, content: string | Buffer, mtimeNs?: bigint): void {
  writeFileSync(bytes(path), content);
  if (mtimeNs !== undefined) setMtime(path, mtimeNs);
}

/** Item 12: an mtime one nanosecond before a whole second. */
export function buildNineNines(root: string): void {
  const d = dir(root, 'nine-nines');
  file(`${d}/almost-57`, 'x', 1_700_000_016_999_999_999n);
}

/** Item 13: nanosecond mtimes on files, a symlink and directories. */
export function buildNanoseconds(root: string): void {
  const d = dir(root, 'nanoseconds');
  file(`${d}/a`, 'a', 1_700_000_000_123_456_789n);
  file(`${d}/b`, 'b', 1_700_000_000_000_000_001n);
  symlinkSync('a', bytes(`${d}/link`));
  setMtime(`${d}/link`, 1_600_000_000_987_654_321n);
}

/** Item 14: fractional mtimes before 1970, around 2038 and after 2242 (beyond ustar's 11 octal digits). */
export function buildFarTimes(root: string): void {
  const d = dir(root, 'far-times');
  file(`${d}/before-1970`, 'old', -999_750_000_000n); // 1969-12-31T23:43:20.25Z
  file(`${d}/long-before-1970`, 'older', -2_000_000_000_000_000_001n);
  file(`${d}/y2038-minus`, '2038', 2_147_483_647_500_000_000n);
  file(`${d}/y2038-plus`, '2038', 2_147_483_648_000_000_001n);
  file(`${d}/y2243`, 'future', 8_640_000_000_123_456_789n); // 2243-10-17
}

/** NFC and NFD spellings of the same word are different names, side by side. */
export function buildNfcNfd(root: string): void {
  const d = dir(root, 'nfc-nfd');
  file(`${d}/${latin('caf\u00e9')}`, 'nfc');
  file(`${d}/${latin('cafe\u0301')}`, 'nfd');
  file(`${d}/${latin('\u00c5ngstr\u00f6m')}`, 'nfc 2');
  file(`${d}/${latin('A\u030angstro\u0308m')}`, 'nfd 2');
}

/** Item 15: names that are not UTF-8 (Latin-1 bytes, stray 0xff), short and over 100 bytes, a directory too. */
export function buildNonUtf8Names(root: string): void {
  const d = dir(root, 'non-utf8');
  file(`${d}/caf\xe9.txt`, 'latin-1 name');
  file(`${d}/\xff\xfe-bom-bytes`, 'stray bytes');
  mkdirSync(bytes(`${d}/dir-\xe0\xe9`));
  file(`${d}/dir-\xe0\xe9/inside`, 'inside a latin-1 directory');
  file(`${d}/${'long-\xe9-'.repeat(20)}end`, 'a name over 100 bytes that is not UTF-8 (pax path with hdrcharset)');
}

/** Item 16: symlink targets that are not UTF-8, short and over 100 bytes. */
export function buildNonUtf8Targets(root: string): void {
  const d = dir(root, 'non-utf8-targets');
  symlinkSync(bytes('t\xff/x'), bytes(`${d}/short`));
  symlinkSync(bytes(`${'../\xe9\xe9/'.repeat(20)}target`), bytes(`${d}/long`));
}

/** Item 17: symlinks owned by someone else than root (needs root). */
export function buildSymlinkOwners(root: string): void {
  const d = dir(root, 'symlink-owners');
  symlinkSync('nowhere', bytes(`${d}/big-ids`));
  lchownSync(bytes(`${d}/big-ids`), 3_000_001, 3_000_002);
  symlinkSync('/etc/hostname', bytes(`${d}/nobody`));
  lchownSync(bytes(`${d}/nobody`), 65534, 65534);
}

/** Item 18: a FIFO and device nodes (the device nodes need root: mknod). */
export async function buildSpecialFiles(root: string): Promise<void> {
  const d = dir(root, 'special');
  await runCommand('mkfifo', ['-m', '0640', Buffer.from(`${d}/fifo`, 'latin1').toString('utf8')]);
  if (isRoot()) {
    await runCommand('mknod', ['-m', '0600', Buffer.from(`${d}/null-like`, 'latin1').toString('utf8'), 'c', '1', '3']);
    await runCommand('mknod', ['-m', '0660', Buffer.from(`${d}/loop-like`, 'latin1').toString('utf8'), 'b', '7', '200']);
  }
}

/** Item 19: files owned by named users, so uname/gname show in the archive. */
export function buildNamedOwners(root: string): void {
  const d = dir(root, 'named-owners');
  file(`${d}/nobody`, 'owned by nobody');
  chownSync(bytes(`${d}/nobody`), 65534, 65534);
  file(`${d}/root`, 'owned by root');
}

/** uid/gid 3000000: beyond ustar's 7 octal digits (pax uid/gid). */
export function buildBigIds(root: string): void {
  const d = dir(root, 'big-ids');
  file(`${d}/file`, 'big ids');
  chownSync(bytes(`${d}/file`), 3_000_000, 3_000_000);
  mkdirSync(bytes(`${d}/dir`));
  chownSync(bytes(`${d}/dir`), 3_000_000, 3_000_001);
}

/** Item 20: a sparse file of `size` bytes with data at its start, middle and end. */
export function buildSparse(root: string, size = 64 << 20): void {
  const d = dir(root, 'sparse');
  const fd = openSync(bytes(`${d}/image`), 'w');
  try {
    const data = Buffer.alloc(8192, 0x5a);
    writeSync(fd, data, 0, data.length, 0);
    writeSync(fd, data, 0, 100, Math.floor(size / 2) + 123); // unaligned island
    ftruncateSync(fd, size);
    writeSync(fd, data, 0, 10, size - 10);
  } finally {
    closeSync(fd);
  }
  // Fully written zeros are archived as zeros; restored, they become a hole too (fine: same content).
  file(`${d}/small-zero-run`, Buffer.concat([Buffer.alloc(100, 1), Buffer.alloc(3 * 4096), Buffer.alloc(7, 2)]));
}

/** Hard links: three names of one file across directories, one of them long. */
export function buildHardLinks(root: string): void {
  const d = dir(root, 'hard-links');
  mkdirSync(bytes(`${d}/x`));
  mkdirSync(bytes(`${d}/y`));
  file(`${d}/x/original`, 'linked content');
  linkSync(bytes(`${d}/x/original`), bytes(`${d}/y/second`));
  linkSync(bytes(`${d}/x/original`), bytes(`${d}/y/${'h'.repeat(150)}`));
}

/** Modes tar must keep: setuid, setgid, sticky, none at all, a read-only directory. */
export function buildModes(root: string): void {
  const d = dir(root, 'modes');
  file(`${d}/setuid`, '#!/bin/sh\n');
  chmodSync(bytes(`${d}/setuid`), 0o4755);
  file(`${d}/setgid`, 'g');
  chmodSync(bytes(`${d}/setgid`), 0o2750);
  file(`${d}/nothing`, 'no permissions');
  chmodSync(bytes(`${d}/nothing`), 0o000);
  mkdirSync(bytes(`${d}/sticky`));
  chmodSync(bytes(`${d}/sticky`), 0o1777);
  mkdirSync(bytes(`${d}/readonly`));
  file(`${d}/readonly/inside`, 'in a read-only directory');
  chmodSync(bytes(`${d}/readonly`), 0o555);
}

/**
 * Names of 99, 100, 101, 155, 156 and 255 bytes (ustar's name and prefix limits, the longest path
 * component), and a path of `deepLength` bytes (counted as tar stores it: the absolute path without its
 * leading '/') made of 255-byte components, one of them of two-byte UTF-8 characters.
 */
export function buildLongNames(root: string, deepLength: number): void {
  const d = dir(root, 'long-names');
  for (const length of [99, 100, 101, 155, 156, 255]) file(`${d}/${'n'.repeat(length - 4)}${String(length).padStart(4, '-')}`, `${length}`);
  let path = `${d}/deep`;
  mkdirSync(bytes(path));
  let index = 0;
  // Each step adds '/' and a component; stop when a final file component fits the remaining length.
  while (deepLength - (path.length - 1) - 1 > 255) {
    const component = index === 1 ? latin('\u00e9'.repeat(127)) + 'x' : `${String(index).padStart(3, '0')}${'d'.repeat(252)}`;
    path = `${path}/${component}`;
    mkdirSync(bytes(path));
    index += 1;
  }
  const last = deepLength - (path.length - 1) - 1;
  file(`${path}/${'f'.repeat(last)}`, 'at the end of a very long path');
}

/** Give every directory under `root` (and `root`) its own fractional mtime, deepest first. */
export function settleDirectoryTimes(root: string): void {
  const dirs: string[] = [];
  const walk = (path: string): void => {
    dirs.push(path);
    for (const entry of readdirSync(bytes(path), { withFileTypes: true, encoding: 'buffer' })) {
      if (entry.isDirectory()) walk(`${path}/${entry.name.toString('latin1')}`);
    }
  };
  walk(latin(root));
  dirs.sort((a, b) => b.length - a.length);
  for (const [i, path] of dirs.entries()) setMtime(path, 1_650_000_000_000_000_000n + BigInt(i) * 86_400_123_456_789n);
}
