// The pure half of the persistence resource: desired values as CONFIG GET reports them, and the diff.
import { describe, expect, it } from 'vitest';
import { desiredPersistence, diffPersistence } from '../../../../src/engines/redis/persistence.js';

const source = (persistence?: object) => ({ type: 'redis' as const, url: 'redis://x', ...(persistence ? { persistence } : {}) });

describe('desiredPersistence', () => {
  it('normalises values exactly as CONFIG GET returns them; omitted keys are not managed', () => {
    expect(desiredPersistence(source({ save: '  900 1\n 300   10 ', appendonly: true, appendfsync: 'everysec' }))).toEqual({
      save: '900 1 300 10',
      appendonly: 'yes',
      appendfsync: 'everysec',
    });
    expect(desiredPersistence(source({ save: '', appendonly: false }))).toEqual({ save: '', appendonly: 'no' });
    expect(desiredPersistence(source())).toEqual({});
  });
});

describe('diffPersistence', () => {
  it('lists only what differs, sorted by key, from → to', () => {
    const desired = { save: '900 1', appendonly: 'yes', appendfsync: 'everysec' };
    expect(diffPersistence(desired, { save: '3600 1 300 100 60 10000', appendonly: 'no', appendfsync: 'everysec' })).toEqual([
      { key: 'appendonly', from: 'no', to: 'yes' },
      { key: 'save', from: '3600 1 300 100 60 10000', to: '900 1' },
    ]);
    expect(diffPersistence(desired, { save: '900  1', appendonly: 'yes', appendfsync: 'everysec' })).toEqual([]);
    expect(diffPersistence({ appendonly: 'yes' }, {})).toEqual([{ key: 'appendonly', from: '(unknown)', to: 'yes' }]);
    expect(diffPersistence({}, { appendonly: 'no' })).toEqual([]);
  });
});
