// RESP on both sides: commands written by RespBuilder are read back by RespCommandReader however the
// stream is chunked; replies parse only when complete; malformed or truncated streams are errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RespCommandReader, RespStreamError } from '../../../../src/engines/redis/resp-command-reader.js';
import { encodeCommand, RespBuilder } from '../../../../src/engines/redis/resp-encode.js';
import { parseReply, replyNeed, RespError } from '../../../../src/engines/redis/resp-reply.js';

const arg = fc.oneof(fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), fc.string(), fc.integer());

describe('RespBuilder and RespCommandReader', () => {
  it('round-trip any commands through any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.array(arg, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1 }), (commands, sizes) => {
        const builder = new RespBuilder(16);
        for (const command of commands) builder.command(command);
        expect(builder.count).toBe(commands.length);
        const bytes = builder.take();
        const reader = new RespCommandReader();
        const read: Buffer[][] = [];
        let at = 0;
        for (let i = 0; at < bytes.length; i += 1) {
          const size = sizes[i % sizes.length]!;
          read.push(...reader.push(bytes.subarray(at, at + size)).map((c) => c.map((a) => Buffer.from(a))));
          at += size;
        }
        reader.end();
        expect(read).toEqual(commands.map((c) => c.map((a) => (Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8')))));
      }),
      { numRuns: 100 },
    );
  });

  it('writes what redis-cli --pipe reads', () => {
    expect(encodeCommand(['SET', 'clé', 42]).toString('utf8')).toBe('*3\r\n$3\r\nSET\r\n$4\r\nclé\r\n$2\r\n42\r\n');
  });

  it('refuses a stream that is not RESP commands, or stops mid-command', () => {
    expect(() => new RespCommandReader().push(Buffer.from('SET a b\r\n'))).toThrow(RespStreamError);
    const reader = new RespCommandReader();
    reader.push(encodeCommand(['RESTORE', 'k', '0', 'payload', 'REPLACE']).subarray(0, 20));
    expect(() => reader.end()).toThrow(/truncated/);
  });
});

describe('parseReply', () => {
  const replies = Buffer.from('+OK\r\n-ERR no\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*2\r\n$1\r\na\r\n:1\r\n', 'latin1');

  it('parses every reply type in sequence', () => {
    const values = [];
    let at = 0;
    while (at < replies.length) {
      const parsed = parseReply(replies, at)!;
      values.push(parsed.value);
      at = parsed.next;
    }
    expect(values).toEqual(['OK', new RespError('ERR no'), 42, Buffer.from('hello'), null, [Buffer.from('a'), 1]]);
  });

  it('returns undefined for every incomplete prefix, with a need that never overshoots', () => {
    const bulk = Buffer.from('$5\r\nhello\r\n', 'latin1');
    for (let end = 0; end < bulk.length; end += 1) {
      expect(parseReply(bulk.subarray(0, end))).toBeUndefined();
      expect(replyNeed).toBeLessThanOrEqual(bulk.length);
      expect(replyNeed).toBeGreaterThan(end);
    }
    expect(parseReply(bulk)?.value).toEqual(Buffer.from('hello'));
  });
});
