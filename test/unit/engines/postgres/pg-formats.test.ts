import { describe, expect, it } from 'vitest';
import { looksLikeCustomDump, looksLikeTar, parseDumpHeader } from '../../../../src/engines/postgres/pg-archive-header.js';
import { majorFromToolVersion, majorFromVersionNum, resolvePgClients } from '../../../../src/engines/postgres/pg-clients.js';
import { parsePartName, partName, PartsTarWriter, readPartsTar } from '../../../../src/engines/postgres/pg-parts-tar.js';
import { ChunkReader } from '../../../../src/engines/postgres/stream-io.js';

/** A custom-format header as pg_dump writes it (WriteHead), for a given archive version. */
function dumpHeader(vmin: number, dbname: string): Buffer {
  const int = (v: number): number[] => [v < 0 ? 1 : 0, Math.abs(v) & 0xff, (Math.abs(v) >> 8) & 0xff, 0, 0];
  const bytes = [...Buffer.from('PGDMP'), 1, vmin, 0, 4, 8, 1];
  if (vmin >= 15) bytes.push(0);
  else bytes.push(...int(0));
  for (const v of [33, 17, 13, 21, 10, 126, 0]) bytes.push(...int(v));
  bytes.push(...int(Buffer.byteLength(dbname)), ...Buffer.from(dbname));
  bytes.push(...int(4), ...Buffer.from('15.2'));
  return Buffer.from(bytes);
}

describe('pg_dump archive header', () => {
  it('reads the database name from 1.14 (PostgreSQL 15) and 1.15+ (16, 17) headers', () => {
    expect(parseDumpHeader(dumpHeader(14, 'shop'))).toEqual({ version: '1.14-0', format: 1, dbname: 'shop' });
    expect(parseDumpHeader(dumpHeader(15, 'crm db'))).toEqual({ version: '1.15-0', format: 1, dbname: 'crm db' });
    expect(looksLikeCustomDump(dumpHeader(14, 'x'))).toBe(true);
    expect(() => parseDumpHeader(Buffer.from('hello'))).toThrow(/no PGDMP magic/);
    expect(() => parseDumpHeader(dumpHeader(14, 'shop').subarray(0, 30))).toThrow(/truncated/);
  });
});

describe('client versions', () => {
  it('derives major versions', () => {
    expect(majorFromVersionNum(150010)).toBe('15');
    expect(majorFromVersionNum(90624)).toBe('9.6');
    expect(majorFromToolVersion('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n')).toBe('15');
    expect(majorFromToolVersion('pg_dump (PostgreSQL) 9.6.24')).toBe('9.6');
    expect(majorFromToolVersion('nonsense')).toBeUndefined();
  });

  it('names the version and the Debian package when the matching binaries are missing', async () => {
    await expect(resolvePgClients('99')).rejects.toThrow(/the server runs PostgreSQL 99 but psql, pg_dump, pg_restore 99 are not installed: install postgresql-client-99/);
  });
});

async function collect(write: (w: PartsTarWriter) => Promise<void>, partBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const writer = new PartsTarWriter(async (c) => void chunks.push(Buffer.from(c)), new Date(0), partBytes);
  await write(writer);
  return Buffer.concat(chunks);
}

async function drain(body: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const chunk of body) out.push(Buffer.from(chunk));
  return out;
}

async function* inPieces(buffer: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < buffer.length; i += size) yield buffer.subarray(i, i + size);
}

describe('multi-database parts tar', () => {
  it('names parts so that a shell glob sorts them, percent-encoding odd database names', () => {
    expect(partName('shop', 3)).toBe('shop.dump.000003');
    expect(partName('a/b c', 0)).toBe('a%2Fb%20c.dump.000000');
    expect(parsePartName('a%2Fb%20c.dump.000012')).toEqual({ database: 'a/b c', index: 12 });
    expect(parsePartName('x/y.dump.000001')).toBeUndefined();
  });

  it('round-trips databases cut into parts, whatever the read chunking', async () => {
    const shop = Buffer.alloc(2500, 1);
    const crm = Buffer.from('tiny');
    const long = 'd'.repeat(63);
    const tar = await collect(async (w) => {
      for (const [name, data] of [['shop', shop], ['crm', crm], [long, Buffer.alloc(0)]] as const) {
        w.startDatabase(name);
        for (let i = 0; i < data.length; i += 700) await w.add(data.subarray(i, i + 700));
        await w.endDatabase();
      }
      await w.finish();
    }, 1000);
    expect(looksLikeTar(tar)).toBe(true);
    for (const piece of [1, 511, 4096]) {
      const got: Record<string, Buffer[]> = {};
      const reader = new ChunkReader(inPieces(tar, piece));
      await readPartsTar(reader, async (database, index, body) => {
        (got[database] ??= []).push(Buffer.concat(await drain(body)));
        expect(got[database]).toHaveLength(index + 1);
      });
      expect(got.shop!.map((b) => b.length)).toEqual([1000, 1000, 500]);
      expect(Buffer.concat(got.shop!).equals(shop)).toBe(true);
      expect(Buffer.concat(got.crm!).toString()).toBe('tiny');
      expect(got[long]!.map((b) => b.length)).toEqual([0]);
    }
  });

  it('skips bodies the handler leaves unread, and rejects foreign entries and truncation', async () => {
    const tar = await collect(async (w) => {
      w.startDatabase('a');
      await w.add(Buffer.alloc(1500, 7));
      await w.endDatabase();
      w.startDatabase('b');
      await w.add(Buffer.from('bee'));
      await w.endDatabase();
      await w.finish();
    }, 1000);
    const seen: string[] = [];
    await readPartsTar(new ChunkReader(inPieces(tar, 300)), async (database, index, body) => {
      if (database === 'b') seen.push(Buffer.concat(await drain(body)).toString());
      else seen.push(`${database}${index}`);
    });
    expect(seen).toEqual(['a0', 'a1', 'bee']);
    await expect(readPartsTar(new ChunkReader(inPieces(tar.subarray(0, 1200), 300)), async () => undefined)).rejects.toThrow(/ends unexpectedly/);
  });
});
