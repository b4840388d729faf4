// The skip/fail switch of test/helpers/services.ts: skipped when allowed, never when services are required.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { requireBinaries, requireBinary, servicesRequired } from '../../helpers/services.js';

const saved = process.env.STRATA_REQUIRE_SERVICES;

describe('services helper', () => {
  afterEach(() => {
    if (saved === undefined) delete process.env.STRATA_REQUIRE_SERVICES;
    else process.env.STRATA_REQUIRE_SERVICES = saved;
    vi.restoreAllMocks();
  });

  it('finds binaries on PATH and reports missing ones', () => {
    expect(requireBinary('node')).toMatch(/\/node$/);
    expect(requireBinary('strata-no-such-binary')).toBeUndefined();
  });

  it('skips with a visible message when services are optional', () => {
    delete process.env.STRATA_REQUIRE_SERVICES;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const check = requireBinaries(['node', 'strata-no-such-binary'], 'demo suite');
    expect(check.missing).toEqual(['strata-no-such-binary']);
    expect(check.paths.node).toMatch(/\/node$/);
    expect(check.skip).toBe(true);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^SKIPPED: demo suite: missing binaries strata-no-such-binary/));
  });

  it('does not skip when STRATA_REQUIRE_SERVICES=1', () => {
    process.env.STRATA_REQUIRE_SERVICES = '1';
    expect(servicesRequired()).toBe(true);
    const check = requireBinaries(['strata-no-such-binary']);
    expect(check.skip).toBe(false);
    expect(check.missing).toEqual(['strata-no-such-binary']);
  });
});
