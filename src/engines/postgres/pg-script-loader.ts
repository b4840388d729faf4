// How a dump reaches the database without committing before the caller says so. pg_restore connected to
// the server commits its --single-transaction as soon as it has restored what it needs, which can be long
// before the end of the stream (a selective restore, `-t`, stops reading early), so a stream that fails
// its checksum at its very end would already be committed. Instead pg_restore only converts the archive
// to SQL (`--file=-`, nothing connects), and psql applies that script in a transaction of our own:
//
//   SET client_min_messages = error; BEGIN; <preamble: TRUNCATE, CREATE SCHEMA …>; <pg_restore -1's script>
//
// pg_restore --single-transaction ends its script with COMMIT, followed only by a closing comment and, on
// clients with CVE-2025-8714's fix, `\unrestrict <key>` (a few hundred bytes). The last TAIL_HOLD bytes of
// the script are held back until commit() is called, so psql cannot see that COMMIT before the caller
// has verified the whole input. Until then the transaction stays open: abort() (or Strata dying, which
// closes psql's stdin: psql then exits and the server rolls the open transaction back) leaves the database
// as it was. (The script's own BEGIN inside ours only warns, which client_min_messages silences; its
// large-object blocks carry no BEGIN/COMMIT of their own under --single-transaction.)
import { spawnStream } from '../../exec/exec.js';
import type { ChildEnv } from './pg-session.js';
import { PSQL_FLAGS } from './pg-query.js';
import { writeChunk } from './stream-io.js';

/** Far more than what pg_restore writes after its COMMIT; small enough to be nothing in memory. */
export const TAIL_HOLD = 64 * 1024;

export interface ScriptLoaderOptions {
  pgRestore: string;
  psql: string;
  /** pg_restore's selection and options (--clean, -n/-t, --no-owner …); --single-transaction and --file=- are added. */
  restoreArgs: string[];
  /** SQL run inside the transaction before the script (e.g. TRUNCATE of the tables a data-only restore reloads). */
  preamble?: string;
  env: ChildEnv;
  secrets: string[];
  signal?: AbortSignal;
  /** The error to throw when pg_restore (converting) or psql (applying) fails; `error` is the ExecError. */
  failure(tool: 'pg_restore' | 'psql', error: unknown): Error;
}

export interface ScriptLoader {
  /** Feed the dump to pg_restore. Chunks pg_restore no longer needs (it exited cleanly, done early) are dropped. */
  write(chunk: Buffer): Promise<void>;
  /** The dump is complete: resolves once pg_restore exited cleanly and psql was given all but the held-back tail. */
  end(): Promise<void>;
  /** Send the held-back tail (the COMMIT) and wait for psql: the restore becomes visible. */
  commit(): Promise<void>;
  /** Kill both processes; the open transaction rolls back. Resolves once both have exited. */
  abort(): Promise<void>;
}

/** Keeps the newest `hold` bytes of a stream back; pushes out what is older. */
class TailHold {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly hold: number) {}

  /** Add a chunk; returns the chunks that may go out now. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    const out: Buffer[] = [];
    while (this.chunks.length > 0 && this.bytes - this.chunks[0]!.length >= this.hold) {
      const first = this.chunks.shift()!;
      this.bytes -= first.length;
      out.push(first);
    }
    return out;
  }

  drain(): Buffer[] {
    const out = this.chunks;
    this.chunks = [];
    this.bytes = 0;
    return out;
  }
}

const settled = (promise: Promise<void>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error ?? new Error('failed'),
  );

export function startScriptLoader(options: ScriptLoaderOptions): ScriptLoader {
  const processOptions = { env: options.env, secrets: options.secrets, signal: options.signal };
  const restorer = spawnStream(options.pgRestore, [...options.restoreArgs, '--single-transaction', '--file=-'], processOptions);
  const applier = spawnStream(options.psql, [...PSQL_FLAGS, '--file=-'], processOptions);
  restorer.stdin.on('error', () => undefined); // its exit status says why it stopped reading
  applier.stdin.on('error', () => undefined);
  applier.stdout.resume(); // results of the script's SELECTs (setval, lo_*): not ours to read
  restorer.done.catch(() => undefined);
  applier.done.catch(() => undefined);
  const tail = new TailHold(TAIL_HOLD);
  let restorerFinished = false;

  /** psql stopped reading: it failed (ON_ERROR_STOP) or was killed; its exit status says why. */
  const applierFailure = async (writeError: unknown): Promise<Error> => {
    const error = await settled(applier.done);
    return error ? options.failure('psql', error) : (writeError as Error);
  };

  const forward = async (): Promise<void> => {
    try {
      await writeChunk(applier.stdin, Buffer.from(`SET client_min_messages = error;\nBEGIN;\n${options.preamble ?? ''}`));
      for await (const chunk of restorer.stdout as AsyncIterable<Buffer>) {
        for (const ready of tail.push(chunk)) await writeChunk(applier.stdin, ready);
      }
    } catch (error) {
      restorer.kill();
      throw await applierFailure(error);
    }
    const failed = await settled(restorer.done);
    restorerFinished = true;
    if (failed) {
      applier.kill();
      throw options.failure('pg_restore', failed);
    }
  };
  const loaded = forward();
  loaded.catch(() => undefined);

  let inputClosed = false;
  return {
    async write(chunk) {
      if (inputClosed) return;
      try {
        await writeChunk(restorer.stdin, chunk);
      } catch (error) {
        // pg_restore stopped reading. Fine when it exited cleanly: a selective restore needs no more of
        // the archive (the caller still reads the rest, to verify it). Otherwise its failure says why.
        await loaded;
        if (!restorerFinished) throw error;
        inputClosed = true;
      }
    },
    async end() {
      if (!inputClosed && !restorer.stdin.destroyed) restorer.stdin.end();
      await loaded;
    },
    async commit() {
      await loaded;
      try {
        for (const chunk of tail.drain()) await writeChunk(applier.stdin, chunk);
        applier.stdin.end();
      } catch (error) {
        throw await applierFailure(error);
      }
      const failed = await settled(applier.done);
      if (failed) throw options.failure('psql', failed);
    },
    async abort() {
      restorer.kill();
      applier.kill();
      await Promise.all([settled(restorer.done), settled(applier.done)]);
    },
  };
}
