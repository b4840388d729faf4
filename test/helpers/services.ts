// Tests talk to real binaries. A missing binary skips the suite loudly, unless STRATA_REQUIRE_SERVICES=1
// (set by .ci/run and CI), where a missing binary fails, so a prepared machine can never pass by skipping.
import { accessSync, constants, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

// Debian installs the PostgreSQL server tools (initdb, pg_ctl, postgres) outside PATH.
function postgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  try {
    return readdirSync(root)
      .sort((a, b) => Number(b) - Number(a))
      .map((version) => join(root, version, 'bin'));
  } catch {
    return [];
  }
}

/** Absolute path of an executable found on PATH (or in Debian's PostgreSQL bin dirs), else undefined. */
export function requireBinary(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), ...postgresBinDirs()];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Whether missing services are failures rather than skips. */
export function servicesRequired(): boolean {
  return process.env.STRATA_REQUIRE_SERVICES === '1';
}

export interface BinaryCheck {
  /** Paths of the binaries that were found, by name. */
  paths: Record<string, string>;
  missing: string[];
  /** True when the caller should skip: something is missing and services are not required. */
  skip: boolean;
}

/** Look up binaries; report what is missing and whether to skip. Warns visibly on skip. */
export function requireBinaries(names: string[], what = 'test'): BinaryCheck {
  const paths: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const found = requireBinary(name);
    if (found === undefined) missing.push(name);
    else paths[name] = found;
  }
  const skip = missing.length > 0 && !servicesRequired();
  if (skip) console.warn(`SKIPPED: ${what}: missing binaries ${missing.join(', ')} (set STRATA_REQUIRE_SERVICES=1 to fail instead)`);
  return { paths, missing, skip };
}

/**
 * describe() that runs only when every binary exists. Missing binaries skip it with a SKIPPED warning, or, with
 * STRATA_REQUIRE_SERVICES=1, replace it with one failing test that names them.
 */
export function describeWithBinaries(names: string[], title: string, fn: () => void): void {
  const check = requireBinaries(names, title);
  if (check.missing.length === 0) {
    describe(title, fn);
  } else if (check.skip) {
    describe.skip(title, fn);
  } else {
    describe(title, () => {
      it('has its required binaries', () => {
        throw new Error(`STRATA_REQUIRE_SERVICES=1 but binaries are missing: ${check.missing.join(', ')}`);
      });
    });
  }
}
