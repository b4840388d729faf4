// Child processes (zstd, age …) as one Duplex stage. Consecutive processes are connected through the
// kernel (like a shell pipe), so only the first one's input and the last one's output pass through Node.
// The readable side ends only after every process has exited 0, so a consumer never sees a clean end
// of a stream whose producer failed (no silent truncation).
import { Duplex, type Readable } from 'node:stream';
import { ExecError, spawnStream, spawnStreamFrom, type ExecOptions } from '../exec/exec.js';

const COALESCE = 1 << 20;

export interface Command {
  file: string;
  args: readonly string[];
}

export interface ProcessStageOptions extends Pick<ExecOptions, 'env' | 'signal' | 'secrets'> {
  /** Called once every process has exited (success or not), e.g. to remove a temp file one of them read. */
  onExit?: () => void;
}

export function createProcessStage(commands: readonly Command[], options: ProcessStageOptions = {}): Duplex {
  const [first, ...rest] = commands;
  if (!first) throw new Error('a process stage needs at least one command');
  const exec = { env: options.env, signal: options.signal, secrets: options.secrets };
  const head = spawnStream(first.file, first.args, exec);
  const procs: { done: Promise<void>; kill(): void }[] = [head];
  let stdout: Readable = head.stdout;
  for (const command of rest) {
    const next = spawnStreamFrom(command.file, command.args, stdout, exec);
    procs.push(next);
    stdout = next.stdout;
  }

  let exitError: Error | undefined;
  let exited = false;
  const failures: (Error | undefined)[] = procs.map(() => undefined);
  let firstFailure: Error | undefined;
  const finished = Promise.allSettled(
    procs.map((p, i) =>
      p.done.catch((error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        failures[i] = failure;
        firstFailure ??= failure;
        for (const other of procs) other.kill();
      }),
    ),
  ).then(() => {
    exited = true;
    // The cause is the most upstream process that exited with a status of its own; neighbours killed
    // by a signal (SIGPIPE, or our SIGTERM) failed as a consequence.
    exitError = failures.find((f) => f instanceof ExecError && f.exitCode !== undefined) ?? firstFailure;
  });
  void finished.then(() => options.onExit?.());

  const stage = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      if (head.stdin.write(chunk)) {
        callback();
        return;
      }
      // Backpressure: wait until the child drained its input (or failed, which destroys the stage).
      const onDrain = (): void => {
        head.stdin.off('close', onClose);
        callback();
      };
      const onClose = (): void => {
        head.stdin.off('drain', onDrain);
        void finished.then(() => callback(exitError ?? new Error(`${first.file} closed its input early`)));
      };
      head.stdin.once('drain', onDrain);
      head.stdin.once('close', onClose);
    },
    final(callback) {
      head.stdin.end();
      callback();
    },
    read() {
      stdout.resume();
    },
    destroy(error, callback) {
      if (!exited) for (const p of procs) p.kill();
      callback(error);
    },
  });

  // The children's exit statuses are the authority: EPIPE and friends are reported through them.
  head.stdin.on('error', () => undefined);
  // Pipe reads arrive in 64 KiB pieces; coalescing them into ~1 MiB chunks cuts the per-chunk work of
  // every stage downstream (hashing, storage writes) by an order of magnitude.
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = (): boolean => {
    if (pendingBytes === 0) return true;
    const chunk = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    return stage.push(chunk);
  };
  stdout.on('data', (chunk: Buffer) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= COALESCE && !flush()) stdout.pause();
  });
  stdout.on('error', (error: Error) => stage.destroy(error));
  stdout.on('end', () => {
    void finished.then(() => {
      if (exitError) {
        stage.destroy(exitError);
      } else {
        flush();
        stage.push(null);
      }
    });
  });
  void finished.then(() => {
    if (exitError) stage.destroy(exitError);
  });
  return stage;
}
