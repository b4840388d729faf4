// The few system calls Node's fs lacks, through koffi (a prebuilt FFI, no compiler needed):
// - utimensat/futimens with whole nanoseconds: Node's utimes takes a double of seconds and libuv cuts it to
//   microseconds, so `…56.123456789` could never be restored exactly (GNU tar restores it).
// - mknod for FIFOs and device nodes, which Node cannot create at all.
// - getpwuid/getgrgid/getpwnam/getgrnam for owner names (GNU tar writes uname/gname and maps them back).
// Paths are Buffers (exact bytes). Without koffi (an unsupported platform) times fall back to Node's
// microseconds, mknod fails with ENOSYS, and owner names are unknown: `native.exact` says which.
import { createRequire } from 'node:module';
import { futimesSync, lutimesSync, utimesSync } from 'node:fs';
import { splitNs } from './tar-entry.js';

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;

export const S_IFIFO = 0o010000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;

export interface NativeFs {
  /** True when times are set to the nanosecond and mknod and owner names work. */
  readonly exact: boolean;
  /** Set atime and mtime of a path; a final symlink is followed only with `follow`. */
  setPathTimes(path: Buffer, atimeNs: bigint, mtimeNs: bigint, follow?: boolean): void;
  setFdTimes(fd: number, atimeNs: bigint, mtimeNs: bigint): void;
  /** mknod(2); `type` is S_IFIFO, S_IFCHR or S_IFBLK. Throws an Error with `code` (EPERM, EEXIST, …). */
  mknod(path: Buffer, type: number, mode: number, major: number, minor: number): void;
  userName(uid: number): string | undefined;
  groupName(gid: number): string | undefined;
  userId(name: string): number | undefined;
  groupId(name: string): number | undefined;
}

function errnoError(call: string, errno: number, path: Buffer): NodeJS.ErrnoException {
  const codes: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 13: 'EACCES', 17: 'EEXIST', 20: 'ENOTDIR', 22: 'EINVAL', 28: 'ENOSPC', 30: 'EROFS', 38: 'ENOSYS' };
  const code = codes[errno] ?? `errno ${errno}`;
  const error = new Error(`${code}: ${call} failed for ${path.toString('utf8')}`) as NodeJS.ErrnoException;
  error.code = code;
  error.errno = errno;
  return error;
}

/** A Buffer path with the NUL terminator C expects. */
function cPath(path: Buffer): Buffer {
  return Buffer.concat([path, Buffer.alloc(1)]);
}

function timespecs(atimeNs: bigint, mtimeNs: bigint): { tv_sec: bigint; tv_nsec: number }[] {
  return [atimeNs, mtimeNs].map((ns) => {
    const { sec, nsec } = splitNs(ns);
    return { tv_sec: sec, tv_nsec: Number(nsec) };
  });
}

function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

function cached<K, V>(lookup: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, lookup(key));
    return cache.get(key)!;
  };
}

function loadKoffi(): NativeFs | undefined {
  // 64-bit Linux with glibc or musl: struct timespec is two 64-bit words there.
  if (process.platform !== 'linux' || !['x64', 'arm64', 'riscv64', 'loong64', 'ppc64', 's390x'].includes(process.arch)) return undefined;
  let koffi: typeof import('koffi');
  try {
    koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  } catch {
    return undefined;
  }
  let libc: ReturnType<typeof koffi.load> | undefined;
  for (const name of ['libc.so.6', 'libc.so', 'libc.musl-x86_64.so.1', 'libc.musl-aarch64.so.1']) {
    try {
      libc = koffi.load(name);
      break;
    } catch {
      // try the next name
    }
  }
  if (!libc) return undefined;
  koffi.struct('strata_timespec', { tv_sec: 'int64', tv_nsec: 'int64' });
  const utimensat = libc.func('int utimensat(int dirfd, const uint8_t *path, const strata_timespec *times, int flags)');
  const futimens = libc.func('int futimens(int fd, const strata_timespec *times)');
  let mknod: (path: Buffer, mode: number, dev: bigint) => number;
  try {
    mknod = libc.func('int mknod(const uint8_t *path, uint32_t mode, uint64_t dev)');
  } catch {
    // glibc before 2.33 exports mknod only as __xmknod(_MKNOD_VER, …).
    const xmknod = libc.func('int __xmknod(int ver, const uint8_t *path, uint32_t mode, uint64_t *dev)');
    mknod = (path, mode, dev) => xmknod(0, path, mode, [dev]);
  }
  const passwd = koffi.struct('strata_passwd', { pw_name: 'const char *', pw_passwd: 'const char *', pw_uid: 'uint32_t', pw_gid: 'uint32_t' });
  const group = koffi.struct('strata_group', { gr_name: 'const char *', gr_passwd: 'const char *', gr_gid: 'uint32_t' });
  const getpwuid = libc.func('strata_passwd *getpwuid(uint32_t uid)');
  const getgrgid = libc.func('strata_group *getgrgid(uint32_t gid)');
  const getpwnam = libc.func('strata_passwd *getpwnam(const char *name)');
  const getgrnam = libc.func('strata_group *getgrnam(const char *name)');
  const decode = <T>(pointer: unknown, type: unknown): T | undefined => (pointer ? (koffi.decode(pointer, type as never) as T) : undefined);
  return {
    exact: true,
    setPathTimes(path, atimeNs, mtimeNs, follow = false) {
      if (utimensat(AT_FDCWD, cPath(path), timespecs(atimeNs, mtimeNs), follow ? 0 : AT_SYMLINK_NOFOLLOW) !== 0) throw errnoError('utimensat', koffi.errno(), path);
    },
    setFdTimes(fd, atimeNs, mtimeNs) {
      if (futimens(fd, timespecs(atimeNs, mtimeNs)) !== 0) throw errnoError('futimens', koffi.errno(), Buffer.from(`fd ${fd}`));
    },
    mknod(path, type, mode, major, minor) {
      if (mknod(cPath(path), type | (mode & 0o7777), makedev(major, minor)) !== 0) throw errnoError('mknod', koffi.errno(), path);
    },
    userName: cached((uid: number) => decode<{ pw_name: string }>(getpwuid(uid), passwd)?.pw_name),
    groupName: cached((gid: number) => decode<{ gr_name: string }>(getgrgid(gid), group)?.gr_name),
    userId: cached((name: string) => decode<{ pw_uid: number }>(getpwnam(name), passwd)?.pw_uid),
    groupId: cached((name: string) => decode<{ gr_gid: number }>(getgrnam(name), group)?.gr_gid),
  };
}

const seconds = (ns: bigint): number => Number(ns / 1000n) / 1e6;

/** Node's own calls: microsecond times, no mknod, no owner names. */
const fallback: NativeFs = {
  exact: false,
  setPathTimes: (path, atimeNs, mtimeNs, follow = false) => (follow ? utimesSync : lutimesSync)(path, seconds(atimeNs), seconds(mtimeNs)),
  setFdTimes: (fd, atimeNs, mtimeNs) => futimesSync(fd, seconds(atimeNs), seconds(mtimeNs)),
  mknod(path) {
    throw errnoError('mknod (not available: koffi could not be loaded on this platform)', 38, path);
  },
  userName: () => undefined,
  groupName: () => undefined,
  userId: () => undefined,
  groupId: () => undefined,
};

let loaded: NativeFs | undefined;

export function nativeFs(): NativeFs {
  loaded ??= loadKoffi() ?? fallback;
  return loaded;
}

