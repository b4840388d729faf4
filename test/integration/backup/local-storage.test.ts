// The local backend: atomic put (temp name + rename), listing that includes debris, pruning deletes.
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStorage } from '../../../src/storage/create-storage.js';
import { LocalStorage } from '../../../src/storage/local/local-storage.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

async function keysOf(storage: LocalStorage, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of storage.list(prefix)) keys.push(o.key);
  return keys;
}

describe('local storage', () => {
  it('puts, heads, gets, lists by prefix and deletes, pruning empty directories', async () => {
    const root = await makeTempDir();
    const storage = new LocalStorage(root);
    expect(await storage.put('sys/cat/a/one.bin', Readable.from([Buffer.from('hello')]))).toEqual({ bytes: 5 });
    await storage.put('sys/cat/b/two.bin', Readable.from([Buffer.from('world!')]));
    await storage.put('sys/other/three.bin', Readable.from([Buffer.from('x')]));
    expect((await stat(join(root, 'sys/cat/a/one.bin'))).mode & 0o777).toBe(0o600);
    expect(await storage.head('sys/cat/a/one.bin')).toMatchObject({ key: 'sys/cat/a/one.bin', size: 5 });
    expect(await storage.head('sys/cat/a/missing')).toBeUndefined();
    const chunks: Buffer[] = [];
    for await (const c of await storage.get('sys/cat/b/two.bin')) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('world!');
    await expect(storage.get('sys/nope')).rejects.toThrow(/object sys\/nope not found in/);
    expect(await keysOf(storage, 'sys/cat/')).toEqual(['sys/cat/a/one.bin', 'sys/cat/b/two.bin']);
    expect(await keysOf(storage, 'sys/ca')).toEqual(['sys/cat/a/one.bin', 'sys/cat/b/two.bin']);
    expect(await keysOf(storage, 'nothing/')).toEqual([]);
    await storage.delete(['sys/cat/a/one.bin', 'sys/cat/b/two.bin', 'sys/cat/b/already-gone']);
    expect(await readdir(join(root, 'sys'))).toEqual(['other']);
    await storage.delete(['sys/other/three.bin']);
    expect(await readdir(root)).toEqual([]);
  });

  it('never shows a partial object under its key; a failed upload leaves nothing', async () => {
    const root = await makeTempDir();
    const storage = new LocalStorage(root);
    const body = new PassThrough();
    const put = storage.put('d/obj.bin', body);
    body.write(Buffer.alloc(64 * 1024, 1));
    await new Promise((r) => setTimeout(r, 50));
    const during = await readdir(join(root, 'd'));
    expect(during).toHaveLength(1);
    expect(during[0]).toMatch(/^\.obj\.bin\.tmp-[0-9a-f]{8}$/);
    expect(await keysOf(storage)).toEqual([`d/${during[0]}`]); // temp files are listed: they are debris
    body.destroy(new Error('source failed'));
    await expect(put).rejects.toThrow(/source failed/);
    expect(await readdir(join(root, 'd'))).toEqual([]);
  });

  it('refuses keys that escape the root', async () => {
    const storage = new LocalStorage(await makeTempDir());
    for (const key of ['../x', '/abs', 'a//b', 'a/./b', '']) {
      await expect(storage.put(key, Readable.from([Buffer.from('x')]))).rejects.toThrow(/invalid storage key/);
    }
  });

  it('is created per tier: local paths (with ${env:} references) work, S3 tiers get S3 storage', async () => {
    const root = await makeTempDir();
    await mkdir(join(root, 'hot'));
    const local = createStorage({ name: 'hot', storage: { type: 'local', path: '${env:ROOT}/hot' }, offsite: false }, (v) => v.replace('${env:ROOT}', root));
    await local.put('k', Readable.from([Buffer.from('v')]));
    expect(await readFile(join(root, 'hot', 'k'), 'utf8')).toBe('v');
    expect(local.location).toBe(join(root, 'hot'));
    // S3 tiers get an S3Storage (tested against a real server in test/integration/s3); creating one does no I/O.
    const s3 = createStorage({ name: 'warm', storage: { type: 's3', bucket: 'bkt', prefix: 'warm' }, offsite: true }, (v) => v);
    expect(s3.kind).toBe('s3');
    expect(s3.location).toBe('s3://bkt/warm/');
  });
});
