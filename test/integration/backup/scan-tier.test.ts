// The catalogue is rebuilt from storage alone; anything that is not a complete backup is debris with a reason.
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { manifestStream } from '../../../src/backup/manifest-io.js';
import { runBackup } from '../../../src/backup/run-backup.js';
import { removeDebris, scanTier } from '../../../src/observe/scan-tier.js';
import { filesFixture, identity } from '../../helpers/files-policy.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { makeTempDir } from '../../helpers/temp-dir.js';
import { generateSampleTree } from '../../helpers/tree-snapshot.js';

const text = (s: string): Readable => Readable.from([Buffer.from(s)]);

describeWithBinaries(['zstd'], 'scanTier', () => {
  it('lists committed backups sorted by start time, reports damaged backups, and every kind of debris with its reason', async () => {
    const work = await makeTempDir();
    const source = join(work, 'src');
    await generateSampleTree(source);
    const fixture = filesFixture({ storageRoot: join(work, 'storage'), paths: [source] });
    const storage = fixture.storages.get('hot')!;
    const times = ['2026-03-02T10:00:00Z', '2026-01-05T10:00:00Z', '2026-02-03T10:00:00Z'];
    const made: Awaited<ReturnType<typeof runBackup>>[] = [];
    for (const t of times) made.push(await runBackup({ ...fixture, resolveSecret: identity, now: () => new Date(t) }));
    expect(made[1]!.dir).toMatch(/^test-system\/critical\/uploads\/2026\/01\/20260105T100000Z-[0-9a-f]{6}$/);

    const base = 'test-system/critical/uploads/2026/04';
    await storage.put(`${base}/20260401T000000Z-aaaaaa/.data.tar.zst.tmp-1234abcd`, text('partial'));
    await storage.put(`${base}/20260402T000000Z-bbbbbb/data.tar.zst`, text('no manifest'));
    await storage.put(`${base}/20260403T000000Z-cccccc/manifest.json`, text('{ not json'));
    await storage.put(`${base}/20260404T000000Z-dddddd/manifest.json`, manifestStream({ ...made[0]!.manifest, id: '20260404T000000Z-dddddd' }));
    const truncated = { ...made[0]!.manifest, id: '20260405T000000Z-eeeeee' };
    await storage.put(`${base}/20260405T000000Z-eeeeee/${truncated.artifact}`, text('short'));
    await storage.put(`${base}/20260405T000000Z-eeeeee/manifest.json`, manifestStream(truncated));
    await storage.put(`${made[0]!.dir}/.manifest.json.tmp-00000000`, text('{}'));
    await storage.put('test-system/not-a-backup.txt', text('left alone'));
    await storage.put('test-system/critical/uploads/2026/xx/whatever/file', text('left alone'));

    const scan = await scanTier(storage, 'hot', 'test-system/');
    expect(scan.entries.map((e) => e.manifest.started_at)).toEqual(['2026-01-05T10:00:00.000Z', '2026-02-03T10:00:00.000Z', '2026-03-02T10:00:00.000Z']);
    expect(scan.entries.every((e) => e.tier === 'hot')).toBe(true);
    const reasons = Object.fromEntries(scan.debris.map((d) => [d.dir.split('/').pop(), d.reason]));
    expect(reasons).toEqual({
      '20260401T000000Z-aaaaaa': 'no manifest: interrupted backup (temp files only)',
      '20260402T000000Z-bbbbbb': 'no manifest: interrupted or failed backup',
      [made[0]!.dir.split('/').pop()!]: 'left-over temp files beside a committed backup',
    });
    // Issue 8: a directory with a manifest was committed. Until then a missing or short artifact (and an
    // unreadable manifest) made it debris, so it vanished from `ls` and the next apply deleted it.
    const damaged = Object.fromEntries(scan.damaged.map((d) => [d.id, d.problem]));
    expect(damaged).toEqual({
      '20260403T000000Z-cccccc': expect.stringMatching(/^manifest cannot be read: invalid manifest: not JSON/),
      '20260404T000000Z-dddddd': 'artifact data.tar.zst is missing',
      '20260405T000000Z-eeeeee': expect.stringMatching(/^artifact data\.tar\.zst is 5 bytes, the manifest says \d+$/),
    });
    expect(scan.damaged.every((d) => d.tier === 'hot' && d.found_by === 'scan' && d.category === 'critical' && d.source === 'uploads')).toBe(true);
    const leftover = scan.debris.find((d) => d.dir === made[0]!.dir)!;
    expect(leftover.keys).toEqual([`${made[0]!.dir}/.manifest.json.tmp-00000000`]);

    for (const d of scan.debris) await removeDebris(storage, d);
    const clean = await scanTier(storage, 'hot', 'test-system/');
    expect(clean.debris).toEqual([]);
    expect(clean.entries).toEqual(scan.entries);
    expect(clean.damaged).toEqual(scan.damaged);
    const rest = [];
    for await (const o of storage.list('test-system/')) rest.push(o.key);
    expect(rest).toContain('test-system/not-a-backup.txt');
    expect(rest).toContain('test-system/critical/uploads/2026/xx/whatever/file');
  });
});
