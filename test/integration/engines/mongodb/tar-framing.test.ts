// The dump's tar framing against GNU tar, both ways: what Strata writes (sizes stated up front, pax for
// long and non-ASCII names) extracts byte for byte with `tar x`, and Strata's reader reads what GNU tar
// writes. Needs no MongoDB server.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createReadStream } from 'node:fs';
import { expect, it } from 'vitest';
import { runCommand } from '../../../../src/exec/exec.js';
import { directoryHeader, endOfArchive, fileEntry, fileHeader, SizedBody } from '../../../../src/engines/mongodb/tar-frames.js';
import { readTar } from '../../../../src/engines/mongodb/tar-read.js';
import { collectionFileStem } from '../../../../src/engines/mongodb/dump-layout.js';
import { describeWithBinaries } from '../../../helpers/services.js';
import { makeTempDir } from '../../../helpers/temp-dir.js';

const mtime = new Date('2026-03-04T05:06:07Z');

const files = [
  { path: 'shop/orders.metadata.json', body: Buffer.from('{"indexes":[],"collectionName":"orders","type":"collection"}') },
  { path: 'shop/orders.bson', body: Buffer.alloc(70_001, 3) },
  { path: 'shop/empty.bson', body: Buffer.alloc(0) },
  { path: `shop/${collectionFileStem('c'.repeat(400))}.bson`, body: Buffer.from('long') },
  { path: 'données/caf%C3%A9.bson', body: Buffer.alloc(512, 9) },
];

describeWithBinaries(['tar'], 'mongodb dump framing with GNU tar', () => {
  it('GNU tar lists the announced sizes and extracts the exact bytes', async () => {
    const work = await makeTempDir();
    const parts: Buffer[] = [directoryHeader('shop', mtime), directoryHeader('données', mtime)];
    for (const file of files) {
      if (file.path.endsWith('.json')) {
        parts.push(fileEntry(file.path, file.body, mtime));
        continue;
      }
      const body = new SizedBody(file.path, file.body.length);
      parts.push(fileHeader(file.path, file.body.length, mtime));
      body.take(file.body.length);
      parts.push(file.body, body.finish());
    }
    parts.push(endOfArchive());
    const archive = join(work, 'dump.tar');
    await writeFile(archive, Buffer.concat(parts));

    const listing = await runCommand('tar', ['-tvf', archive]);
    expect(listing.stderr).toBe('');
    for (const file of files) {
      const line = listing.stdout.split('\n').find((l) => l.endsWith(` ${file.path}`));
      expect(line, file.path).toBeDefined();
      expect(line).toMatch(new RegExp(`\\s${file.body.length}\\s`));
    }
    const out = join(work, 'out');
    await mkdir(out);
    const extracted = await runCommand('tar', ['-xf', archive, '-C', out]);
    expect(extracted.stderr).toBe('');
    for (const file of files) expect((await readFile(join(out, file.path))).equals(file.body), file.path).toBe(true);
  });

  it('reads archives written by GNU tar in pax and gnu formats', async () => {
    const work = await makeTempDir();
    const tree = join(work, 'tree');
    for (const file of files) {
      await mkdir(join(tree, file.path, '..'), { recursive: true });
      await writeFile(join(tree, file.path), file.body);
    }
    for (const format of ['pax', 'gnu', 'ustar']) {
      const archive = join(work, `${format}.tar`);
      const names = format === 'ustar' ? files.filter((f) => Buffer.byteLength(f.path) < 100).map((f) => f.path) : files.map((f) => f.path);
      await runCommand('tar', [`--format=${format}`, '-cf', archive, '-C', tree, ...names]);
      const seen = new Map<string, Buffer>();
      for await (const entry of readTar(createReadStream(archive, { highWaterMark: 777 }))) {
        const chunks: Buffer[] = [];
        for await (const chunk of entry.body()) chunks.push(chunk);
        seen.set(entry.path, Buffer.concat(chunks));
      }
      for (const name of names) expect(seen.get(name)?.equals(files.find((f) => f.path === name)!.body), `${format} ${name}`).toBe(true);
    }
  });
});
