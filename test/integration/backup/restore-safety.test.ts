// Restores treat archives as untrusted: traversal, absolute paths and symlink tricks are refused with an
// error (never silently rewritten), and nothing lands outside the target.
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { filesEngine } from '../../../src/engines/files/files-engine.js';
import { runCommand } from '../../../src/exec/exec.js';
import { craftTar, type CraftedEntry } from '../../helpers/crafted-tar.js';
import { identity } from '../../helpers/files-policy.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

async function restoreCrafted(entries: CraftedEntry[], target: string, only?: string[]) {
  return filesEngine.restore(
    { name: 'uploads', source: { type: 'files', paths: ['/unused'] }, data: { source: 'uploads', sourceType: 'files' }, resolveSecret: identity, target, only },
    Readable.from([craftTar(entries)]),
  );
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

describe('files restore safety', () => {
  it('refuses an entry with ".." and writes nothing outside the target', async () => {
    const work = await makeTempDir();
    const target = join(work, 'target');
    await expect(
      restoreCrafted([{ path: 'ok.txt', type: 'File', content: 'fine' }, { path: '../evil', type: 'File', content: 'pwned' }], target),
    ).rejects.toThrow(/refusing archive entry with "\.\." in its path: "\.\.\/evil"/);
    expect(await exists(join(work, 'evil'))).toBe(false);
    // The entry before the bad one was staged, never committed: the target is as it was (absent).
    expect(await exists(target)).toBe(false);
    expect((await readdir(work)).filter((n) => n.startsWith('.strata-restore-'))).toEqual([]);
  });

  it('refuses a truncated archive and leaves a pre-filled target as it was', async () => {
    const work = await makeTempDir();
    const target = join(work, 'target');
    await mkdir(target);
    await writeFile(join(target, 'kept.txt'), 'before');
    const whole = craftTar([
      { path: 'new.txt', type: 'File', content: 'new' },
      { path: 'kept.txt', type: 'File', content: 'x'.repeat(2000) },
    ]);
    const truncated = whole.subarray(0, 512 * 4);
    await expect(
      filesEngine.restore(
        { name: 'u', source: { type: 'files', paths: ['/x'] }, data: { source: 'u', sourceType: 'files' }, resolveSecret: identity, target },
        Readable.from([truncated]),
      ),
    ).rejects.toThrow(/truncated.*nothing was written to/);
    expect(await readdir(target)).toEqual(['kept.txt']);
    expect(await readFile(join(target, 'kept.txt'), 'utf8')).toBe('before');
  });

  it('refuses absolute paths instead of stripping them', async () => {
    const work = await makeTempDir();
    const target = join(work, 'target');
    const outside = join(work, 'abs-evil');
    await expect(restoreCrafted([{ path: outside, type: 'File', content: 'pwned' }], target)).rejects.toThrow(
      /refusing archive entry with an absolute path/,
    );
    expect(await exists(outside)).toBe(false);
    expect(await exists(join(target, outside.slice(1)))).toBe(false);
  });

  it('refuses a file written through a symlink from the archive', async () => {
    const work = await makeTempDir();
    const target = join(work, 'target');
    const outside = join(work, 'outside');
    await mkdir(outside);
    await expect(
      restoreCrafted(
        [
          { path: 'link', type: 'SymbolicLink', linkpath: outside },
          { path: 'link/pwned', type: 'File', content: 'pwned' },
        ],
        target,
      ),
    ).rejects.toThrow(/written through the symlink "link"/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('follows a directory symlink that already exists in the target (the host layout), like GNU tar', async () => {
    const work = await makeTempDir();
    const target = join(work, 'target');
    const data = join(work, 'data-volume');
    await mkdir(data);
    await mkdir(target);
    await symlink(data, join(target, 'srv'));
    await restoreCrafted([{ path: 'srv/uploads/file.txt', type: 'File', content: 'restored' }], target);
    expect(await readFile(join(data, 'uploads/file.txt'), 'utf8')).toBe('restored');
  });

  it('refuses a hard link through a symlink from the archive', async () => {
    const work = await makeTempDir();
    const target = join(work, 'target');
    await writeFile(join(work, 'secret'), 'secret');
    await expect(
      restoreCrafted(
        [
          { path: 'link', type: 'SymbolicLink', linkpath: work },
          { path: 'h', type: 'Link', linkpath: 'link/secret' },
        ],
        target,
      ),
    ).rejects.toThrow(/written through the symlink "link"/);
    expect(await exists(join(target, 'h'))).toBe(false);
  });

  it('refuses hard links that leave the archive', async () => {
    const work = await makeTempDir();
    const target = join(work, 'target');
    await writeFile(join(work, 'secret'), 'secret');
    await expect(restoreCrafted([{ path: 'h', type: 'Link', linkpath: '../secret' }], target)).rejects.toThrow(/hard link target/);
    await expect(restoreCrafted([{ path: 'h', type: 'Link', linkpath: join(work, 'secret') }], join(work, 't2'))).rejects.toThrow(
      /absolute hard link target/,
    );
  });

  it('keeps absolute and relative symlink targets verbatim (they are never followed)', async () => {
    const work = await makeTempDir();
    const target = join(work, 'target');
    const stats = await restoreCrafted(
      [
        { path: 'a', type: 'Directory' },
        { path: 'a/abs', type: 'SymbolicLink', linkpath: '/etc/hostname' },
        { path: 'a/rel', type: 'SymbolicLink', linkpath: '../b/file' },
        { path: 'b/file', type: 'File', content: 'data' },
      ],
      target,
    );
    expect(stats).toEqual({ files: 1, dirs: 1, symlinks: 2, bytes: 4 });
    const { readlink } = await import('node:fs/promises');
    expect(await readlink(join(target, 'a/abs'))).toBe('/etc/hostname');
    expect(await readlink(join(target, 'a/rel'))).toBe('../b/file');
    expect(await readFile(join(target, 'a/rel'), 'utf8')).toBe('data');
  });

  it('restores only the entries selected by --only patterns (a directory pattern selects its content)', async () => {
    const work = await makeTempDir();
    const target = join(work, 'target');
    const stats = await restoreCrafted(
      [
        { path: 'srv/a/', type: 'Directory' },
        { path: 'srv/a/one.txt', type: 'File', content: '1' },
        { path: 'srv/b/two.txt', type: 'File', content: '22' },
        { path: 'srv/c.log', type: 'File', content: '333' },
      ],
      target,
      ['srv/a', '**/*.log'],
    );
    expect(stats).toEqual({ files: 2, dirs: 1, symlinks: 0, bytes: 4 });
    expect(await exists(join(target, 'srv/a/one.txt'))).toBe(true);
    expect(await exists(join(target, 'srv/c.log'))).toBe(true);
    expect(await exists(join(target, 'srv/b'))).toBe(false);
  });

  it('refuses a GNU tar archive with a ../ member', async () => {
    const work = await makeTempDir();
    await mkdir(join(work, 'in/sub'), { recursive: true });
    await writeFile(join(work, 'in/evil'), 'pwned');
    // -P keeps the "../" in the member name, as a hostile archive would.
    await runCommand('tar', ['-cPf', join(work, 'evil.tar'), '-C', join(work, 'in/sub'), '../evil']);
    const target = join(work, 'target', 'deep');
    await expect(
      filesEngine.restore(
        { name: 'u', source: { type: 'files', paths: ['/x'] }, data: { source: 'u', sourceType: 'files' }, resolveSecret: identity, target },
        Readable.from([await readFile(join(work, 'evil.tar'))]),
      ),
    ).rejects.toThrow(/"\.\."/);
    expect(await exists(join(work, 'target', 'evil'))).toBe(false);
  });
});
