// What a replacing restore (RestoreRequest.replace: in place over the source, or --drop) removes from the
// target before it writes, so the result is exactly the backup's dataset: a key written after the backup
// must not survive. Without --only, every key of every database of the target (or of the one database
// the target URL names); with --only, just the keys matching the patterns, in those databases: keys
// outside the patterns are not the restore's to touch.
//
// It runs only after the whole backup stream was read and verified (the RDB file is written, the RESP
// spool is complete), so a backup that fails its checksum never clears anything. FLUSHDB ASYNC, not
// FLUSHALL: FLUSHALL also writes an RDB on servers with save points. Where FLUSHDB is renamed away (managed Redis),
// the keys are scanned and UNLINKed instead.
import { parseScanReply, scanCommand } from './dump-batches.js';
import type { KeyPredicate } from './key-pattern.js';
import { parseKeyspace } from './keyspace.js';
import { replyText } from './logical-backup.js';
import type { RespClient } from './resp-client.js';
import { RespError } from './resp-reply.js';
import { endpointError } from './redis-url.js';

export interface ClearScope {
  /** The database the target URL names; undefined: every database of the target that holds keys. */
  db?: number;
  /** The --only patterns as a predicate; undefined clears every key. */
  filter?: KeyPredicate;
  /** The --only patterns themselves (one pattern is given to SCAN MATCH; the filter decides anyway). */
  only?: readonly string[];
}

const UNLINK_BATCH = 500;

async function databasesOf(client: RespClient, db: number | undefined): Promise<number[]> {
  if (db !== undefined) return [db];
  return [...parseKeyspace(replyText(await client.ok(['INFO', 'keyspace']))).keys()].sort((a, b) => a - b);
}

function isUnknownCommand(reply: RespError): boolean {
  return /unknown command|renamed|disabled/i.test(reply.message);
}

/** SCAN the selected database and UNLINK (DEL on servers before 4.0) the keys the filter selects. */
async function unlinkMatching(client: RespClient, filter: KeyPredicate | undefined, match: string | undefined, signal?: AbortSignal): Promise<void> {
  let command = 'UNLINK';
  let cursor = '0';
  do {
    if (signal?.aborted) throw new Error('restore aborted');
    const scanned = parseScanReply(client.endpoint, await client.call(scanCommand(cursor, match)));
    cursor = scanned.cursor;
    const doomed = filter ? scanned.keys.filter(filter) : scanned.keys;
    for (let at = 0; at < doomed.length; at += UNLINK_BATCH) {
      const batch = doomed.slice(at, at + UNLINK_BATCH);
      let reply = await client.call([command, ...batch]);
      if (reply instanceof RespError && command === 'UNLINK' && isUnknownCommand(reply)) {
        command = 'DEL';
        reply = await client.call([command, ...batch]);
      }
      if (reply instanceof RespError) throw endpointError(client.endpoint, `${command} failed while clearing the target: ${reply.message}`);
    }
  } while (cursor !== '0');
}

/** Remove what the scope selects from the target; the client's selected database is changed. */
export async function clearTarget(client: RespClient, scope: ClearScope, signal?: AbortSignal): Promise<void> {
  const match = scope.only?.length === 1 ? scope.only[0] : undefined;
  for (const db of await databasesOf(client, scope.db)) {
    await client.select(db);
    if (!scope.filter) {
      // ASYNC (Redis 4+): the keyspace is emptied at once and its memory freed in the background, so a
      // live server is not blocked while millions of keys are freed; older servers refuse the argument.
      let reply = await client.call(['FLUSHDB', 'ASYNC']);
      if (reply instanceof RespError && /syntax error/i.test(reply.message)) reply = await client.call(['FLUSHDB']);
      if (!(reply instanceof RespError)) continue;
      if (!isUnknownCommand(reply)) throw endpointError(client.endpoint, `FLUSHDB failed while clearing the target: ${reply.message}`);
    }
    await unlinkMatching(client, scope.filter, match, signal);
  }
}
