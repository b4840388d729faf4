import { describe, expect, it } from 'vitest';
import { parseManifest, serializeManifest } from '../../../src/backup/manifest-io.js';
import { recipientFingerprint } from '../../../src/backup/run-backup.js';
import type { Manifest } from '../../../src/model/manifest.js';

const good: Manifest = {
  format_version: 1,
  id: '20260101T000000Z-abcdef',
  system: 'sys',
  category: 'critical',
  source: 'uploads',
  source_type: 'files',
  kind: 'full',
  started_at: '2026-01-01T00:00:00.000Z',
  finished_at: '2026-01-01T00:00:05.000Z',
  artifact: 'data.tar.zst.age',
  size: 123,
  sha256: 'a'.repeat(64),
  raw_size: 456,
  raw_sha256: 'b'.repeat(64),
  codecs: { format: 'tar', compression: 'zstd', compressionLevel: 3, encryption: 'age' },
  recipient_fingerprints: ['0123456789abcdef'],
  stats: { files: 1, dirs: 1, symlinks: 0, bytes: 10 },
  strata_version: '0.1.0',
};

describe('manifests', () => {
  it('round-trip through their JSON form', () => {
    expect(parseManifest(serializeManifest(good))).toEqual(good);
    expect(serializeManifest(good).endsWith('}\n')).toBe(true);
  });

  it.each([
    ['{', /not JSON/],
    ['[]', /not a JSON object/],
    [JSON.stringify({ ...good, format_version: 2 }), /format_version 2 is not supported/],
    [JSON.stringify({ ...good, sha256: 'xyz' }), /"sha256" must be 64 hex digits/],
    [JSON.stringify({ ...good, size: -1 }), /"size" must be a non-negative integer/],
    [JSON.stringify({ ...good, artifact: '../data' }), /"artifact" must be a plain file name/],
    [JSON.stringify({ ...good, kind: 'partial' }), /"kind" must be full, incremental or pre-restore/],
    [JSON.stringify({ ...good, kind: 'pre-restore', taken_for: { restore_of: 'x' } }), /"taken_for" must be/],
    [JSON.stringify({ ...good, started_at: 'yesterday' }), /"started_at" must be an ISO time/],
    [JSON.stringify({ ...good, codecs: { ...good.codecs, encryption: 'rot13' } }), /"codecs.encryption"/],
    [JSON.stringify({ ...good, stats: { files: 'many' } }), /"stats" must map names to numbers/],
    [JSON.stringify({ ...good, id: undefined }), /"id" must be a non-empty string/],
  ])('rejects %s', (text, message) => {
    expect(() => parseManifest(text)).toThrow(message);
  });

  it('read pre-restore snapshots with the restore they were taken for', () => {
    const snapshot: Manifest = { ...good, kind: 'pre-restore', taken_for: { restore_of: '20251231T000000Z-012345', at: '2026-01-01T00:00:00.000Z' } };
    expect(parseManifest(serializeManifest(snapshot))).toEqual(snapshot);
  });

  it('fingerprints recipients without exposing them', () => {
    const fp = recipientFingerprint('age1qqqqexample');
    expect(fp).toMatch(/^[0-9a-f]{16}$/);
    expect(recipientFingerprint(' age1qqqqexample\n')).toBe(fp);
  });
});
