// A long-lived psql session driven over its stdin, one query at a time, each answering with one line.
// The backup uses it to hold the transaction whose snapshot pg_dump imports (pg_export_snapshot), and to
// count rows in that very snapshot. psql flushes after every result, so answers arrive as they are ready.
import { ExecError, spawnStream, type StreamingProcess } from '../../exec/exec.js';
import { cleanClientError, PSQL_FLAGS } from './pg-query.js';
import type { PgSession } from './pg-session.js';

export class PsqlSession {
  private buffered = '';
  private readonly lines: string[] = [];
  private waiter: { resolve: (line: string) => void; reject: (error: Error) => void } | undefined;
  private ended = false;
  private failure: Promise<Error> | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: StreamingProcess,
    private readonly where: string,
  ) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.receive(chunk));
    child.stdout.on('end', () => this.end());
    child.stdout.on('error', () => this.end());
    child.stdin.on('error', () => undefined); // psql gone: reported through `done`
    this.exited = child.done.then(
      () => undefined,
      (error: Error) => {
        throw this.describe(error);
      },
    );
    this.exited.catch(() => undefined);
  }

  static open(session: PgSession, psql: string, database: string, signal?: AbortSignal): PsqlSession {
    const child = spawnStream(psql, PSQL_FLAGS, { env: session.env(database), secrets: session.secrets, signal });
    return new PsqlSession(child, `${session.label}: ${session.describe(database)}`);
  }

  /** Send one statement (or a few, ending in one that prints a single line) and read that line. */
  query(sql: string): Promise<string> {
    if (this.waiter) throw new Error('PsqlSession.query: one query at a time');
    const answer = new Promise<string>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    this.child.stdin.write(sql.endsWith('\n') ? sql : `${sql}\n`);
    this.flush();
    return answer;
  }

  /** Send the final statements, close stdin and wait for psql to exit cleanly. */
  async finish(sql = ''): Promise<void> {
    this.child.stdin.end(sql);
    await this.exited;
  }

  kill(): void {
    this.child.kill();
  }

  private describe(error: Error): Error {
    const detail = error instanceof ExecError ? cleanClientError(error.stderr) || error.message : error.message;
    return new Error(`${this.where}: ${detail}`, { cause: error });
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let newline = this.buffered.indexOf('\n');
    while (newline >= 0) {
      this.lines.push(this.buffered.slice(0, newline));
      this.buffered = this.buffered.slice(newline + 1);
      newline = this.buffered.indexOf('\n');
    }
    this.flush();
  }

  private end(): void {
    this.ended = true;
    this.failure ??= this.exited.then(
      () => new Error(`${this.where}: psql ended before answering`),
      (error: Error) => error,
    );
    this.flush();
  }

  private flush(): void {
    const waiter = this.waiter;
    if (!waiter) return;
    const line = this.lines.shift();
    if (line !== undefined) {
      this.waiter = undefined;
      waiter.resolve(line);
    } else if (this.ended) {
      this.waiter = undefined;
      void this.failure!.then(waiter.reject);
    }
  }
}
