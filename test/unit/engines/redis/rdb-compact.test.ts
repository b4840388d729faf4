// Compact encodings read for the sample digest: LZF blocks, listpacks and ziplists whose 16-bit
// element count saturated (so they are walked), intsets.
import { describe, expect, it } from 'vitest';
import { intsetCount, listpackCount, lzfDecompress, RdbFormatError, ziplistCount } from '../../../../src/engines/redis/rdb-compact.js';

describe('lzfDecompress', () => {
  it('expands literal runs and back references, including long ones', () => {
    // "abc" literal, then a back reference of 6 bytes at distance 3 → "abcabcabc"
    expect(lzfDecompress(Buffer.from([2, 0x61, 0x62, 0x63, (4 << 5) | 0, 2]), 9).toString()).toBe('abcabcabc');
    // "x" literal, then a long reference (7 + 10 + 2 = 19 bytes) at distance 1 → 20 × "x"
    expect(lzfDecompress(Buffer.from([0, 0x78, (7 << 5) | 0, 10, 0]), 20).toString()).toBe('x'.repeat(20));
  });

  it('refuses corrupt input instead of reading out of bounds', () => {
    expect(() => lzfDecompress(Buffer.from([(4 << 5) | 0, 5]), 6)).toThrow(RdbFormatError);
    expect(() => lzfDecompress(Buffer.from([5, 0x61]), 6)).toThrow(RdbFormatError);
    expect(() => lzfDecompress(Buffer.from([0, 0x61]), 2)).toThrow(/1 bytes instead of 2/);
  });
});

function listpack(entries: Buffer[], count: number): Buffer {
  const body = Buffer.concat(entries);
  const header = Buffer.alloc(6);
  header.writeUInt32LE(6 + body.length + 1, 0);
  header.writeUInt16LE(count, 4);
  return Buffer.concat([header, body, Buffer.from([0xff])]);
}

describe('listpackCount', () => {
  const small = Buffer.from([0x05, 0x01]); // 7-bit uint 5, backlen 1
  const str = Buffer.from([0x83, 0x61, 0x62, 0x63, 0x04]); // 6-bit string "abc", backlen 4
  const int16 = Buffer.from([0xf1, 0x34, 0x12, 0x03]); // 16-bit int, backlen 3
  const long = Buffer.concat([Buffer.from([0xe0 | 1, 0x00]), Buffer.alloc(256, 0x7a), Buffer.from([0x82, 0x02])]); // 12-bit string of 256 bytes, 2-byte backlen

  it('reads the header count when it did not saturate', () => {
    expect(listpackCount(listpack([small, str], 2))).toBe(2);
  });

  it('walks the entries when the header says 65535', () => {
    expect(listpackCount(listpack([small, str, int16, long, small], 0xffff))).toBe(5);
  });

  it('refuses a listpack without its end', () => {
    expect(() => listpackCount(listpack([small], 0xffff).subarray(0, 8))).toThrow(RdbFormatError);
  });
});

describe('ziplistCount', () => {
  function ziplist(entries: Buffer[], count: number): Buffer {
    const body = Buffer.concat(entries);
    const header = Buffer.alloc(10);
    header.writeUInt32LE(10 + body.length + 1, 0);
    header.writeUInt16LE(count, 8);
    return Buffer.concat([header, body, Buffer.from([0xff])]);
  }
  const str = Buffer.from([0x00, 0x02, 0x68, 0x69]); // prevlen 0, 6-bit string "hi"
  const imm = Buffer.from([0x04, 0xf5]); // prevlen 4, immediate 4
  const int32 = Buffer.from([0x02, 0xd0, 1, 0, 0, 0]); // prevlen 2, int32

  it('reads or walks the entries', () => {
    expect(ziplistCount(ziplist([str, imm], 2))).toBe(2);
    expect(ziplistCount(ziplist([str, imm, int32], 0xffff))).toBe(3);
  });
});

describe('intsetCount', () => {
  it('reads the length field', () => {
    const set = Buffer.alloc(8 + 3 * 2);
    set.writeUInt32LE(2, 0);
    set.writeUInt32LE(3, 4);
    expect(intsetCount(set)).toBe(3);
  });
});
