// The example recipients are real age keys: age itself must accept every one of them.
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../src/exec/exec.js';
import { describeWithBinaries } from '../../helpers/services.js';
import { readExamples } from './example-policies.js';

const recipients = readExamples().flatMap((e) =>
  (e.policy.defaults?.encryption?.age_recipients ?? []).map((key) => ({ name: e.name, key })),
);

describe('example recipients', () => {
  it('exist', () => {
    expect(recipients.length).toBeGreaterThanOrEqual(5);
  });
});

describeWithBinaries(['age'], 'example recipients with age', () => {
  it.each(recipients)('$name: age encrypts to $key', async ({ key }) => {
    const out = await runCommand('age', ['--armor', '--recipient', key], { input: 'strata example' });
    expect(out.stdout).toContain('-----BEGIN AGE ENCRYPTED FILE-----');
  });

  it('rejects a recipient with a broken checksum (so this test can fail)', async () => {
    const broken = 'age1' + 'q'.repeat(58);
    await expect(runCommand('age', ['--armor', '--recipient', broken], { input: 'x' })).rejects.toThrow();
  });
});
