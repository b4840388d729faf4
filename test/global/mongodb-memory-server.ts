// Vitest global setup: when no MongoDB server is named (STRATA_TEST_MONGODB_URI), try
// mongodb-memory-server once for the whole run: a standalone and a single-node replica set (for
// snapshot reads), exported to the test workers through the same variables a real server would use.
// It needs a mongod binary: MONGOMS_SYSTEM_BINARY, its download cache, or a download from mongodb.org.
// None of these exists on the development machines (no route to mongodb.org), so there the attempt
// fails in milliseconds and the MongoDB suites print SKIPPED with the reason (test/helpers/mongodb-server.ts).
// STRATA_TEST_MONGODB_MEMORY=0 turns the attempt off.
import { lookup } from 'node:dns/promises';
import { MONGO_RS_URI_ENV, MONGO_UNAVAILABLE_ENV, MONGO_URI_ENV } from '../helpers/mongodb-server-env.js';

interface Stoppable {
  stop(): Promise<unknown>;
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 300);
}

/** Where mongodb-memory-server would download from (its MONGOMS_* settings, else mongodb.org). */
function downloadHost(): string {
  const configured = process.env.MONGOMS_DOWNLOAD_URL ?? process.env.MONGOMS_DOWNLOAD_MIRROR;
  try {
    return configured ? new URL(configured).hostname : 'fastdl.mongodb.org';
  } catch {
    return 'fastdl.mongodb.org';
  }
}

/**
 * Without a route to the download host, only a system or cached binary can work: turn the download off
 * so the attempt fails at once instead of after mongodb-memory-server's retries.
 */
async function disableUnreachableDownload(): Promise<string | undefined> {
  if (process.env.MONGOMS_SYSTEM_BINARY || process.env.MONGOMS_RUNTIME_DOWNLOAD) return undefined;
  const host = downloadHost();
  try {
    await lookup(host);
    return undefined;
  } catch {
    process.env.MONGOMS_RUNTIME_DOWNLOAD = 'false';
    return `no mongod binary (MONGOMS_SYSTEM_BINARY is unset, none is cached) and ${host} does not resolve`;
  }
}

/** mongodb-memory-server prints its own stack trace on failure; the SKIPPED lines say it in one line. */
async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    return await fn();
  } finally {
    console.warn = warn;
  }
}

export default async function setup(): Promise<(() => Promise<void>) | undefined> {
  if (process.env[MONGO_URI_ENV]?.trim()) return undefined;
  if (process.env.STRATA_TEST_MONGODB_MEMORY === '0') {
    process.env[MONGO_UNAVAILABLE_ENV] = 'STRATA_TEST_MONGODB_MEMORY=0';
    return undefined;
  }
  const started: Stoppable[] = [];
  const offline = await disableUnreachableDownload();
  try {
    const { MongoMemoryReplSet, MongoMemoryServer } = await import('mongodb-memory-server-core');
    const standalone = await quietly(() => MongoMemoryServer.create());
    started.push(standalone);
    const replicaSet = await quietly(() => MongoMemoryReplSet.create({ replSet: { count: 1, storageEngine: 'wiredTiger' } }));
    started.push(replicaSet);
    process.env[MONGO_URI_ENV] = standalone.getUri();
    process.env[MONGO_RS_URI_ENV] = replicaSet.getUri();
    console.warn(`MongoDB tests run against mongodb-memory-server (${standalone.getUri()}, replica set ${replicaSet.getUri()})`);
  } catch (error) {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
    started.length = 0;
    process.env[MONGO_UNAVAILABLE_ENV] = `mongodb-memory-server could not start: ${offline ?? messageOf(error)}`;
  }
  return async () => {
    for (const server of started.reverse()) await server.stop().catch(() => undefined);
  };
}
