// Opening a MongoClient for Strata: a bounded server selection timeout (unless the URI sets one), an
// application name for the server's logs, and errors that name the hosts but never the credentials.
import { MongoClient, MongoServerError } from 'mongodb';
import { describeHosts, parseMongoUri, queryOption, redactUri } from './mongo-uri.js';

export const BACKUP_SELECTION_TIMEOUT_MS = 15_000;
/** Short enough for plan's source health check (which gives a probe 5 s in all). */
export const PROBE_SELECTION_TIMEOUT_MS = 3_000;

/** Any error as one line of text with the URI's secrets redacted. */
export function describeMongoError(error: unknown, uri: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof MongoServerError && error.codeName ? ` (${error.codeName})` : '';
  return redactUri(`${message}${code}`, uri).replace(/\s+/g, ' ').trim();
}

/** An Error whose message is `${context}: <redacted cause>`; the cause is not attached, as it may hold the URI. */
export function mongoError(context: string, error: unknown, uri: string): Error {
  return new Error(`${context}: ${describeMongoError(error, uri)}`);
}

export async function connectMongo(uri: string, label: string, selectionTimeoutMs: number): Promise<MongoClient> {
  let client: MongoClient;
  try {
    const parsed = parseMongoUri(uri);
    const options = {
      ...(queryOption(parsed, 'serverSelectionTimeoutMS') === undefined ? { serverSelectionTimeoutMS: selectionTimeoutMs } : {}),
      ...(queryOption(parsed, 'appName') === undefined ? { appName: 'strata' } : {}),
    };
    client = new MongoClient(uri, options);
  } catch (error) {
    throw mongoError(`${label}: invalid MongoDB URI`, error, uri);
  }
  try {
    await client.connect();
  } catch (error) {
    await client.close().catch(() => undefined);
    throw mongoError(`${label}: cannot connect to ${describeHosts(uri)}`, error, uri);
  }
  return client;
}

/** Whether the deployment can serve snapshot reads outside transactions (replica set or sharded, 5.0+). */
export async function supportsSnapshotReads(client: MongoClient): Promise<boolean> {
  const hello = await client.db('admin').command({ hello: 1 });
  const replicated = typeof hello.setName === 'string' || hello.msg === 'isdbgrid';
  return replicated && typeof hello.maxWireVersion === 'number' && hello.maxWireVersion >= 13;
}
