// One tar entry's metadata, shared by the writer (tar-pack.ts) and the reader (tar-parser.ts).
// Names and link targets are *byte strings*: JavaScript strings whose characters are the bytes of the
// file name (latin1, one char per byte), so a name that is not valid UTF-8 (a Latin-1 `café`, a name
// from an old NFS share) passes through the archive exactly, and '/' splitting stays byte-exact.
export type EntryKind = 'file' | 'link' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarEntryMeta {
  /** Byte string, no leading '/'; directories without their trailing '/'. */
  name: string;
  kind: EntryKind;
  /** Permission bits (07777). */
  mode: number;
  uid: number;
  gid: number;
  /** Owner names (GNU tar maps them back to ids on extraction); '' when unknown. */
  uname: string;
  gname: string;
  /** Content bytes (regular files only). */
  size: number;
  /** Nanoseconds since the epoch; negative before 1970. */
  mtimeNs: bigint;
  /** Byte string: symlink target, or the name of the entry a hard link points to; '' otherwise. */
  linkname: string;
  devmajor: number;
  devminor: number;
}

export const TYPE_FLAGS: Record<EntryKind, string> = { file: '0', link: '1', symlink: '2', char: '3', block: '4', dir: '5', fifo: '6' };

/** node-tar's type names, which file-stats.ts counts by (and manifests of older backups were counted with). */
export const TYPE_NAMES: Record<EntryKind, string> = {
  file: 'File',
  link: 'Link',
  symlink: 'SymbolicLink',
  char: 'CharacterDevice',
  block: 'BlockDevice',
  dir: 'Directory',
  fifo: 'FIFO',
};

export const BILLION = 1_000_000_000n;

/** A byte string as bytes, for fs calls (which take a Buffer path as the exact bytes). */
export function bytesOf(byteString: string): Buffer {
  return Buffer.from(byteString, 'latin1');
}

export function hasHighBytes(byteString: string): boolean {
  return /[\x80-\xff]/.test(byteString);
}

/** The name as text, for glob matching and messages: UTF-8 when it is, with U+FFFD for bytes that are not. */
export function textOf(byteString: string): string {
  return hasHighBytes(byteString) ? bytesOf(byteString).toString('utf8') : byteString;
}

/** Seconds (floored, also for negative times) and the nanoseconds past them (0 ≤ ns < 1e9). */
export function splitNs(ns: bigint): { sec: bigint; nsec: bigint } {
  let sec = ns / BILLION;
  let nsec = ns % BILLION;
  if (nsec < 0n) {
    sec -= 1n;
    nsec += BILLION;
  }
  return { sec, nsec };
}
