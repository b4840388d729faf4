// The lock's owner record: a small JSON file naming who holds a system's lock, where, since when and until
// when (TTL). It is for humans and for hosts that share the state directory; on one host the kernel lock
// beside it decides (kernel-lock.ts). Every change is atomic on local file systems and NFS alike: a record
// appears whole through link(2) (which fails if one exists), and a stale one is moved aside by rename(2)
// and checked before it is deleted, so a run never deletes a record that another run has just written.
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

export interface LockOwner {
  system: string;
  owner: string;
  host: string;
  pid: number;
  command: string;
  acquired_at: string;
  expires_at: string;
}

export function serializeOwner(owner: LockOwner): string {
  return JSON.stringify(owner, null, 2) + '\n';
}

/** The record's text, or undefined when there is none. */
export async function readRecordText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner> | null;
    return value && typeof value.host === 'string' && typeof value.pid === 'number' && typeof value.expires_at === 'string'
      ? (value as LockOwner)
      : undefined;
  } catch {
    return undefined;
  }
}

function sideName(path: string, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${tag}-${hostname()}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Create the record if there is none; false when one exists. */
export async function createRecord(path: string, owner: LockOwner): Promise<boolean> {
  const tmp = sideName(path, 'new');
  const handle = await open(tmp, 'wx', 0o644);
  try {
    await handle.writeFile(serializeOwner(owner));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Delete the record if it still reads `expected`; false when it changed or vanished. The record is first
 * renamed aside, so of two hosts breaking the same stale record only one gets it; if what was moved aside is
 * not what we judged (another host wrote a fresh record meanwhile), it is put back.
 */
export async function removeRecordIf(path: string, expected: string): Promise<boolean> {
  const aside = sideName(path, 'broken');
  try {
    await rename(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  try {
    if ((await readFile(aside, 'utf8')) === expected) return true;
    await link(aside, path).catch(() => undefined); // EEXIST: a third run took the lock; it stays theirs
    return false;
  } finally {
    await rm(aside, { force: true });
  }
}
