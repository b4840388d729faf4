// The pax header encoder and the reader agree on every entry, byte for byte and to the nanosecond:
// names and link targets of any bytes (not only UTF-8) and length, times before 1970 and after 2242,
// ids beyond ustar's 7 octal digits, owner names, device numbers.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHeader, formatPaxTime, splitUstarName } from '../../../../src/engines/files/tar-header-encode.js';
import type { EntryKind, TarEntryMeta } from '../../../../src/engines/files/tar-entry.js';
import { parsePaxTime, TarParser } from '../../../../src/engines/files/tar-parser.js';

function parseOne(meta: TarEntryMeta, content = Buffer.alloc(0)): { meta: TarEntryMeta; content: Buffer } {
  const header = encodeHeader(meta);
  const bytes = Buffer.alloc(header.size + content.length + ((512 - (content.length % 512)) % 512) + 1024);
  header.writeTo(bytes, 0);
  content.copy(bytes, header.size);
  const seen: { meta: TarEntryMeta; content: Buffer }[] = [];
  const parser = new TarParser({
    entry(parsed) {
      const parts: Buffer[] = [];
      seen.push({ meta: parsed, content: Buffer.alloc(0) });
      return { write: (c) => void parts.push(Buffer.from(c)), end: () => void (seen.at(-1)!.content = Buffer.concat(parts)) };
    },
  });
  // Feed in odd-sized pieces: the reader must not depend on chunk boundaries.
  for (let i = 0; i < bytes.length; i += 173) parser.write(bytes.subarray(i, i + 173));
  parser.finish();
  expect(seen).toHaveLength(1);
  return seen[0]!;
}

const byteString = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((a) => Buffer.from(a.map((b) => (b === 0 || b === 0x2f ? 0x61 : b))).toString('latin1'));
const path = fc.array(byteString(1, 40), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('/'));

const metaArb = fc.record({
  name: path,
  kind: fc.constantFrom<EntryKind>('file', 'link', 'symlink', 'char', 'block', 'dir', 'fifo'),
  mode: fc.integer({ min: 0, max: 0o7777 }),
  uid: fc.integer({ min: 0, max: 2 ** 31 }),
  gid: fc.integer({ min: 0, max: 2 ** 31 }),
  uname: fc.oneof(fc.constant(''), fc.stringMatching(/^[a-z_][a-z0-9_-]{0,40}$/)),
  gname: fc.oneof(fc.constant(''), fc.stringMatching(/^[a-z_][a-z0-9_-]{0,40}$/)),
  size: fc.integer({ min: 0, max: 2000 }),
  mtimeNs: fc.bigInt({ min: -(10n ** 19n), max: 10n ** 19n }),
  linkname: path,
  devmajor: fc.integer({ min: 0, max: 4095 }),
  devminor: fc.integer({ min: 0, max: 1_048_575 }),
});

describe('tar headers', () => {
  it('round-trip any entry exactly (property)', () => {
    fc.assert(
      fc.property(metaArb, (generated) => {
        const meta: TarEntryMeta = {
          ...generated,
          size: generated.kind === 'file' ? generated.size : 0,
          linkname: generated.kind === 'link' || generated.kind === 'symlink' ? generated.linkname : '',
          devmajor: generated.kind === 'char' || generated.kind === 'block' ? generated.devmajor : 0,
          devminor: generated.kind === 'char' || generated.kind === 'block' ? generated.devminor : 0,
        };
        const content = Buffer.alloc(meta.size, 0x42);
        const parsed = parseOne(meta, content);
        expect(parsed.meta).toEqual(meta);
        if (meta.kind === 'file') expect(parsed.content.equals(content)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('write pax times as GNU tar does: the exact decimal value, trailing zeros dropped', () => {
    expect(formatPaxTime(1_700_000_016_999_999_999n)).toBe('1700000016.999999999');
    expect(formatPaxTime(-999_750_000_000n)).toBe('-999.75');
    expect(formatPaxTime(-1n)).toBe('-0.000000001');
    expect(formatPaxTime(8_640_000_000_000_000_000n)).toBe('8640000000');
    expect(parsePaxTime('-999.75')).toBe(-999_750_000_000n);
    expect(parsePaxTime('1700000000.1234567891')).toBe(1_700_000_000_123_456_789n);
    expect(parsePaxTime('12')).toBe(12_000_000_000n);
  });

  it('use ustar fields (no pax header) for what they hold exactly, and the prefix for names up to 255 bytes', () => {
    const plain: TarEntryMeta = { name: 'srv/a', kind: 'file', mode: 0o644, uid: 0, gid: 0, uname: 'root', gname: 'root', size: 0, mtimeNs: 1_700_000_000_000_000_000n, linkname: '', devmajor: 0, devminor: 0 };
    expect(encodeHeader(plain).size).toBe(512);
    expect(encodeHeader({ ...plain, name: 'caf\xe9' }).size).toBe(512); // raw bytes fit the name field
    expect(encodeHeader({ ...plain, name: `${'d'.repeat(150)}/${'f'.repeat(100)}` }).size).toBe(512);
    expect(encodeHeader({ ...plain, mtimeNs: 1_700_000_000_000_000_001n }).size).toBe(1536);
    expect(encodeHeader({ ...plain, uid: 3_000_000 }).size).toBe(1536);
    expect(splitUstarName(`${'d'.repeat(156)}/f`)).toBeUndefined();
    expect(splitUstarName(`a/${'f'.repeat(101)}`)).toBeUndefined();
    expect(splitUstarName(`${'d'.repeat(155)}/${'f'.repeat(100)}`)).toEqual({ prefix: 'd'.repeat(155), name: 'f'.repeat(100) });
  });

  it('marks pax names with non-ASCII bytes as hdrcharset=BINARY', () => {
    const long = `${'\xe9'.repeat(300)}`;
    const header = encodeHeader({ name: long, kind: 'file', mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', size: 0, mtimeNs: 0n, linkname: '', devmajor: 0, devminor: 0 });
    const bytes = Buffer.alloc(header.size);
    header.writeTo(bytes, 0);
    expect(bytes.toString('latin1', 512, 1024)).toContain(' hdrcharset=BINARY\n');
  });

  it('refuse damaged or truncated archives', () => {
    const meta: TarEntryMeta = { name: 'a', kind: 'file', mode: 0o644, uid: 0, gid: 0, uname: '', gname: '', size: 5, mtimeNs: 0n, linkname: '', devmajor: 0, devminor: 0 };
    const header = encodeHeader(meta);
    const bytes = Buffer.alloc(header.size);
    header.writeTo(bytes, 0);
    const truncated = new TarParser({ entry: () => undefined });
    truncated.write(bytes);
    expect(() => truncated.finish()).toThrow(/truncated/);
    bytes[10] = 0x41;
    expect(() => new TarParser({ entry: () => undefined }).write(bytes)).toThrow(/bad checksum/);
  });
});
