import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forgetScratch, isScratchInUse, journalScratch, newScratchRecord, readScratchJournal } from '../../../src/state/scratch-journal.js';
import { makeTempDir } from '../../helpers/temp-dir.js';

const fields = {
  id: '20261121120000-aabbccdd', system: 'demo', category: 'db', source: 'app', source_type: 'postgres',
  created_at: '2026-11-21T12:00:00.000Z', dir: '/tmp/strata-restore-test-abc',
  handle: { description: 'scratch databases strata_restore_test_1* on db:5432', data: { database: 'strata_restore_test_1' } },
};

describe('scratch journal', () => {
  it('records, lists and forgets entries, ignoring torn or foreign files', async () => {
    const state = await makeTempDir();
    const record = newScratchRecord(fields);
    expect(record.pid).toBe(process.pid);
    await journalScratch(state, record);
    await writeFile(join(state, 'scratch', 'torn.json'), '{"id": "to');
    await writeFile(join(state, 'scratch', 'other.json'), JSON.stringify({ ...record, id: 'mismatch' }));
    expect(await readScratchJournal(state)).toEqual([record]);
    await forgetScratch(state, record.id);
    expect(await readScratchJournal(state)).toEqual([]);
  });

  it('reads an absent journal as empty and refuses ids that are not file names', async () => {
    const state = await makeTempDir();
    expect(await readScratchJournal(state)).toEqual([]);
    await mkdir(join(state, 'scratch'));
    await expect(journalScratch(state, newScratchRecord({ ...fields, id: '../escape' }))).rejects.toThrow(/invalid scratch id/);
  });

  it('is in use only while its process lives on this host', () => {
    const record = { ...newScratchRecord(fields), host: 'db1', pid: 4242 };
    expect(isScratchInUse(record, 'db1', () => true)).toBe(true);
    expect(isScratchInUse(record, 'db1', () => false)).toBe(false);
    expect(isScratchInUse(record, 'db2', () => true)).toBe(false);
  });
});
