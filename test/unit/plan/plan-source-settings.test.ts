import { describe, expect, it } from 'vitest';
import { diffSettings, planSourceSettings } from '../../../src/plan/plan-source-settings.js';
import { observedSystem, policy } from './fixtures.js';

describe('source settings', () => {
  it('diffs only the managed keys, in a stable order', () => {
    expect(diffSettings({ appendonly: 'yes', save: '900 1' }, { appendonly: 'no', save: '900 1', maxmemory: '0' })).toEqual([
      { key: 'appendonly', from: 'no', to: 'yes' },
    ]);
    expect(diffSettings({ appendfsync: 'everysec' }, {})).toEqual([{ key: 'appendfsync', from: '(unset)', to: 'everysec' }]);
  });

  it('plans an update with a readable reason, and a problem when the settings cannot be read', () => {
    const system = observedSystem({
      sourceSettings: {
        cache: { desired: { appendonly: 'yes', save: '3600 1' }, actual: { appendonly: 'no', save: '' } },
        other: { desired: { appendonly: 'yes' }, error: 'CONFIG is disabled on this server' },
        same: { desired: { appendonly: 'yes' }, actual: { appendonly: 'yes' } },
      },
    });
    const result = planSourceSettings(policy(), system);
    expect(result.actions).toEqual([
      {
        type: 'source-config', op: 'update', system: 'demo', source: 'cache',
        changes: [{ key: 'appendonly', from: 'no', to: 'yes' }, { key: 'save', from: '', to: '3600 1' }],
        reason: 'appendonly: "no" → "yes", save: "" → "3600 1"',
      },
    ]);
    expect(result.problems).toEqual([expect.objectContaining({ source: 'other', message: expect.stringContaining('CONFIG is disabled') })]);
  });
});
