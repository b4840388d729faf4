// The codec chain with the real zstd and age: round trips, failures that surface (never a silent
// truncation), recipients kept off argv, and bounded buffering under a slow consumer.
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { decodeStream, encodeStream, type Compression } from '../../../src/pipeline/codecs.js';
import { createHashCounter } from '../../../src/pipeline/hash-counter.js';
import { generateAgeKey, type AgeKey } from '../../helpers/age-key.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

function source(chunks: number, size = 1 << 20, fail?: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < chunks; i += 1) yield Buffer.alloc(size, i % 251);
      if (fail) throw fail;
    })(),
    { objectMode: false },
  );
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describeWithBinaries(['age', 'age-keygen', 'zstd'], 'pipeline codecs', () => {
  let key: AgeKey;
  let tmp: string;
  let savedTmp: string | undefined;
  beforeEach(async () => {
    tmp = await makeTempDir();
    key = await generateAgeKey(tmp);
    savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = tmp; // the recipients file lands here, so the test can see it is removed
  });
  afterEach(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
  });

  for (const compression of ['zstd', 'gzip', 'none'] as Compression[]) {
    for (const encrypt of [true, false]) {
      it(`round-trips ${compression}${encrypt ? ' + age' : ''}`, async () => {
        const raw = await collect(source(8));
        const stored = await collect(encodeStream(Readable.from([raw]), { compression, level: 3, recipients: encrypt ? [key.recipient] : [] }));
        if (compression !== 'none') expect(stored.length).toBeLessThan(raw.length / 10);
        if (encrypt) expect(stored.subarray(0, 21).toString()).toBe('age-encryption.org/v1');
        if (!encrypt && compression === 'zstd') expect(stored.readUInt32LE(0)).toBe(0xfd2fb528);
        const decoded = await collect(
          decodeStream(Readable.from([stored]), { compression, encryption: encrypt ? 'age' : 'none' }, encrypt ? key.identityFile : undefined),
        );
        expect(sha(decoded)).toBe(sha(raw));
        expect((await readdir(tmp)).filter((n) => n.startsWith('strata-age-'))).toEqual([]);
      });
    }
  }

  it('fails the whole chain when the engine stream fails mid-way', async () => {
    const encoded = encodeStream(source(4, 1 << 20, new Error('engine exploded')), { compression: 'zstd', level: 3, recipients: [key.recipient] });
    await expect(collect(encoded)).rejects.toThrow('engine exploded');
  });

  it('fails (instead of ending early) when a stage rejects its input', async () => {
    const corrupt = await collect(encodeStream(source(2), { compression: 'zstd', level: 3, recipients: [] }));
    corrupt[corrupt.length - 3] = corrupt[corrupt.length - 3]! ^ 0xff;
    await expect(collect(decodeStream(Readable.from([corrupt]), { compression: 'zstd', encryption: 'none' }))).rejects.toThrow(
      /zstd -q -d -c failed \(exit 1\)/,
    );
    const truncated = (await collect(encodeStream(source(2), { compression: 'none', level: 3, recipients: [key.recipient] }))).subarray(0, 70_000);
    await expect(collect(decodeStream(Readable.from([truncated]), { compression: 'none', encryption: 'age' }, key.identityFile))).rejects.toThrow(
      /age -d -i .* failed \(exit 1\)/,
    );
  });

  it('names the identity options when an encrypted stream has no identity', () => {
    expect(() => decodeStream(source(1), { compression: 'zstd', encryption: 'age' })).toThrow(/--identity FILE.*STRATA_AGE_IDENTITY_FILE/);
  });

  it('keeps buffering bounded when the consumer is slow (backpressure reaches the source)', async () => {
    const produced = createHashCounter();
    const encoded = encodeStream(source(96).pipe(produced), { compression: 'none', level: 3, recipients: [key.recipient] });
    let consumed = 0;
    let maxAhead = 0;
    await pipeline(
      encoded,
      new Writable({
        highWaterMark: 64 * 1024,
        write(chunk: Buffer, _encoding, callback) {
          consumed += chunk.length;
          maxAhead = Math.max(maxAhead, produced.digest().bytes - consumed);
          setTimeout(callback, 1);
        },
      }),
    );
    expect(produced.digest().bytes).toBe(96 << 20);
    // Without backpressure the whole 96 MiB would be read ahead; pipes and stream buffers hold a few MiB.
    expect(maxAhead).toBeLessThan(16 << 20);
  });
});
