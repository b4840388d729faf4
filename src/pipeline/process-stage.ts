// A child process (zstd, age …) as a Duplex stage. Its readable side ends only after the process has
// exited 0, so a consumer never sees a clean end of a stream whose producer failed (no silent truncation).
import { Duplex } from 'node:stream';
import { spawnStream, type ExecOptions } from '../exec/exec.js';

export interface ProcessStageOptions extends Pick<ExecOptions, 'env' | 'signal' | 'secrets'> {
  /** Called once the process has exited (success or not), e.g. to remove a temp file it read. */
  onExit?: () => void;
}

export function createProcessStage(file: string, args: readonly string[], options: ProcessStageOptions = {}): Duplex {
  const proc = spawnStream(file, args, { env: options.env, signal: options.signal, secrets: options.secrets });
  let exitError: Error | undefined;
  let exited = false;
  const finished = proc.done.then(
    () => {
      exited = true;
    },
    (error: unknown) => {
      exited = true;
      exitError = error instanceof Error ? error : new Error(String(error));
    },
  );
  void finished.then(() => options.onExit?.());

  const stage = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      if (proc.stdin.write(chunk)) {
        callback();
        return;
      }
      // Backpressure: wait until the child drained its input (or failed, which destroys the stage).
      const onDrain = (): void => {
        proc.stdin.off('close', onClose);
        callback();
      };
      const onClose = (): void => {
        proc.stdin.off('drain', onDrain);
        void finished.then(() => callback(exitError ?? new Error(`${file} closed its input early`)));
      };
      proc.stdin.once('drain', onDrain);
      proc.stdin.once('close', onClose);
    },
    final(callback) {
      proc.stdin.end();
      callback();
    },
    read() {
      proc.stdout.resume();
    },
    destroy(error, callback) {
      if (!exited) proc.kill();
      callback(error);
    },
  });

  // The child's own exit status is the authority: EPIPE and friends are reported through it.
  proc.stdin.on('error', () => undefined);
  proc.stdout.on('data', (chunk: Buffer) => {
    if (!stage.push(chunk)) proc.stdout.pause();
  });
  proc.stdout.on('error', (error: Error) => stage.destroy(error));
  proc.stdout.on('end', () => {
    void finished.then(() => {
      if (exitError) stage.destroy(exitError);
      else stage.push(null);
    });
  });
  void finished.then(() => {
    if (exitError) stage.destroy(exitError);
  });
  return stage;
}
