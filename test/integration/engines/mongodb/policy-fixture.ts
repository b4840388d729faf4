// A resolved policy with one mongodb source and one local tier, for data-path tests (no YAML involved).
// Kept apart from test/helpers/mongodb-server.ts (which imports vitest) so child processes can use it.
import type { MongodbSource } from '../../../../src/generated/policy.js';
import { singleSourceFixture, type SingleSourceFixture, type SingleSourceOptions } from '../../../helpers/single-source-fixture.js';

export interface MongoFixtureOptions {
  storageRoot: string;
  source: Omit<MongodbSource, 'type'>;
  include?: string[];
  exclude?: string[];
  recipients?: string[];
  compression?: 'zstd' | 'gzip' | 'none';
}

export type MongoFixture = SingleSourceFixture;

/** A resolved policy with one mongodb source (`app-db`) and one local tier (`hot`). */
export function mongoFixture(options: MongoFixtureOptions): MongoFixture {
  return singleSourceFixture(mongoSingleSource(options));
}

export function mongoSingleSource(options: MongoFixtureOptions): SingleSourceOptions {
  return { ...options, sourceName: 'app-db', source: { type: 'mongodb', ...options.source } };
}
