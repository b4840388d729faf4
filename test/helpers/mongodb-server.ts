// MongoDB for tests. No mongod can be installed on the development machines, so MongoDB tests use the
// server named by STRATA_TEST_MONGODB_URI (GitHub CI: a mongo:7 service, a standalone) and, for snapshot
// reads, STRATA_TEST_MONGODB_RS_URI (a single-node replica set); without them the global setup
// (test/global/mongodb-memory-server.ts) tries mongodb-memory-server. When neither gives a server the
// suites print a visible SKIPPED line with the reason and skip: MongoDB is the documented exception to
// STRATA_REQUIRE_SERVICES.
// The server is shared, so every test works in databases with a unique prefix and drops them.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { MongoClient } from 'mongodb';
import { describe } from 'vitest';
import { formatMongoUri, parseMongoUri } from '../../src/engines/mongodb/mongo-uri.js';
import { requireBinary } from './services.js';

import { MONGO_RS_URI_ENV, MONGO_UNAVAILABLE_ENV, MONGO_URI_ENV } from './mongodb-server-env.js';

export { MONGO_RS_URI_ENV, MONGO_URI_ENV };
/** A Docker image with mongorestore (mongo:7 has the database tools) for the manual fallback test. */
export const MONGORESTORE_IMAGE_ENV = 'STRATA_TEST_MONGORESTORE_IMAGE';

export function mongoTestUri(env = MONGO_URI_ENV): string | undefined {
  const value = process.env[env]?.trim();
  return value ? value : undefined;
}

/** describe() against the server named by `env`, or a visible SKIPPED line when it is not set. */
export function describeWithMongo(title: string, fn: (uri: string) => void, env = MONGO_URI_ENV): void {
  const uri = mongoTestUri(env);
  if (uri === undefined) {
    const why = process.env[MONGO_UNAVAILABLE_ENV] ?? 'mongodb-memory-server was not tried';
    console.warn(`SKIPPED: ${title}: ${env} is not set and ${why} (no mongod on this machine; GitHub CI runs these against a mongo:7 service)`);
    describe.skip(title, () => fn('mongodb://unset'));
    return;
  }
  describe(title, () => fn(uri));
}

/** A database-name prefix unique to this run, e.g. `strata_it_1a2b3c_`. */
export function uniquePrefix(label = 'it'): string {
  return `strata_${label}_${randomBytes(3).toString('hex')}_`;
}

/** The same server with `database` as the URI's database path. */
export function withDatabase(uri: string, database: string | undefined): string {
  return formatMongoUri({ ...parseMongoUri(uri), database });
}

export async function withClient<T>(uri: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

export async function dropDatabases(uri: string, prefix: string): Promise<void> {
  await withClient(uri, async (client) => {
    const listed = await client.db('admin').command({ listDatabases: 1, nameOnly: true });
    for (const { name } of listed.databases as { name: string }[]) {
      if (name.startsWith(prefix)) await client.db(name).dropDatabase();
    }
  });
}

/** A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  return await new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * How to run mongorestore on a dump directory here: a binary on PATH, else the database tools of a
 * Docker image when STRATA_TEST_MONGORESTORE_IMAGE names one (GitHub CI: mongo:7). Returns the argv.
 */
export function findMongorestore(): ((dumpDir: string, args: string[]) => string[]) | undefined {
  const binary = requireBinary('mongorestore');
  if (binary) return (dumpDir, args) => [binary, ...args, '--dir', dumpDir];
  const image = process.env[MONGORESTORE_IMAGE_ENV]?.trim();
  const docker = requireBinary('docker');
  if (image && docker) {
    return (dumpDir, args) => [docker, 'run', '--rm', '--network', 'host', '-v', `${dumpDir}:/dump:ro`, image, 'mongorestore', ...args, '--dir', '/dump'];
  }
  return undefined;
}
