import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { createRawDigestGate } from '../../../src/pipeline/verify-digest.js';

const data = Buffer.from('the raw stream of a backup');
const manifest = { id: 'b1', raw_size: data.length, raw_sha256: createHash('sha256').update(data).digest('hex') };
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });

describe('createRawDigestGate', () => {
  it('ends when the stream matches the manifest, and errors instead of ending when it does not', async () => {
    await expect(pipeline(Readable.from([data]), createRawDigestGate(manifest), sink())).resolves.toBeUndefined();
    const flipped = Buffer.from(data);
    flipped[0] = flipped[0]! ^ 1;
    await expect(pipeline(Readable.from([flipped]), createRawDigestGate(manifest), sink())).rejects.toThrow(
      /backup b1: the decoded stream does not match the manifest's raw_size\/raw_sha256.*sha256 mismatch/,
    );
    await expect(pipeline(Readable.from([data, Buffer.from('!')]), createRawDigestGate(manifest), sink())).rejects.toThrow(/size mismatch/);
  });
});
