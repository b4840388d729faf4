// Tar framing of the dump: entries whose size is stated up front, bodies that must match it exactly,
// and a reader that gets every entry back (GNU tar reads the same archives in the integration tests).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { directoryHeader, endOfArchive, EntrySizeError, fileEntry, fileHeader, SizedBody } from '../../../../src/engines/mongodb/tar-frames.js';
import { readTar } from '../../../../src/engines/mongodb/tar-read.js';

const mtime = new Date('2026-01-02T03:04:05Z');

function buildArchive(files: { path: string; body: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const dir of new Set(files.map((f) => f.path.split('/')[0]!))) parts.push(directoryHeader(dir, mtime));
  for (const file of files) {
    // Streamed the way collection bodies are: header first, then the body in pieces.
    const body = new SizedBody(file.path, file.body.length);
    parts.push(fileHeader(file.path, file.body.length, mtime));
    for (let at = 0; at < file.body.length; at += 700) {
      const piece = file.body.subarray(at, at + 700);
      body.take(piece.length);
      parts.push(piece);
    }
    parts.push(body.finish());
  }
  parts.push(endOfArchive());
  return Buffer.concat(parts);
}

async function readAll(archive: Buffer, chunk = 333): Promise<{ path: string; type: string; size: number; body: Buffer }[]> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < archive.length; at += chunk) chunks.push(archive.subarray(at, at + chunk));
  const out = [];
  for await (const entry of readTar(Readable.from(chunks))) {
    const parts: Buffer[] = [];
    for await (const part of entry.body()) parts.push(part);
    out.push({ path: entry.path, type: entry.type, size: entry.size, body: Buffer.concat(parts) });
  }
  return out;
}

const files = [
  { path: 'shop/orders.metadata.json', body: Buffer.from('{"indexes":[],"collectionName":"orders","type":"collection"}') },
  { path: 'shop/orders.bson', body: Buffer.alloc(5000, 7) },
  { path: 'shop/empty.bson', body: Buffer.alloc(0) },
  { path: 'shop/exactly-a-block.bson', body: Buffer.alloc(512, 1) },
  { path: `shop/${'n'.repeat(238)}.metadata.json`, body: Buffer.from('{}') },
  { path: 'données/café.bson', body: Buffer.from('x') },
];

describe('tar framing', () => {
  it('frames every entry in whole 512-byte blocks, sizes matching bytes', () => {
    const archive = buildArchive(files);
    expect(archive.length % 512).toBe(0);
    expect(fileEntry('a/b.json', Buffer.from('abc'), mtime).length).toBe(1024);
  });

  it('reads back paths (long and non-ASCII ones through pax), sizes and bodies, at any chunking', async () => {
    const archive = buildArchive(files);
    for (const chunk of [1, 511, 512, 4096, archive.length]) {
      const entries = await readAll(archive, chunk);
      expect(entries.filter((e) => e.type === 'Directory').map((e) => e.path)).toEqual(['shop/', 'données/']);
      const read = entries.filter((e) => e.type === 'File');
      expect(read.map((e) => e.path)).toEqual(files.map((f) => f.path));
      read.forEach((e, i) => {
        expect(e.size).toBe(files[i]!.body.length);
        expect(e.body.equals(files[i]!.body)).toBe(true);
      });
    }
  });

  it('skips bodies the caller does not read', async () => {
    const paths: string[] = [];
    for await (const entry of readTar(Readable.from([buildArchive(files)]))) paths.push(entry.path);
    expect(paths).toHaveLength(files.length + 2);
  });

  it('refuses archives without an end marker, cut inside an entry, or with a corrupt header', async () => {
    const archive = buildArchive(files);
    await expect(readAll(archive.subarray(0, archive.length - 1024))).rejects.toThrow(/ends without its end-of-archive marker/);
    await expect(readAll(archive.subarray(0, 1024 + 100))).rejects.toThrow(/ends in the middle of/);
    const corrupt = Buffer.from(archive);
    corrupt[600] = corrupt[600]! ^ 0xff; // inside the second header
    await expect(readAll(corrupt)).rejects.toThrow(/bad checksum/);
  });
});

describe('SizedBody', () => {
  it('refuses more bytes than announced, before they are written', () => {
    const body = new SizedBody('db/c.bson', 10);
    body.take(6);
    expect(() => body.take(5)).toThrow(EntrySizeError);
    expect(body.remaining).toBe(4);
  });

  it('refuses to close a body that fell short, and pads a complete one to the block', () => {
    const short = new SizedBody('db/c.bson', 10);
    short.take(9);
    expect(() => short.finish()).toThrow(/9 bytes instead of the 10 announced/);
    const exact = new SizedBody('db/c.bson', 10);
    exact.take(10);
    expect(exact.finish().length).toBe(502);
  });
});
