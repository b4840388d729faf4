// The one wrapper for spawning processes: argv only (never a shell), secrets never on argv,
// secrets redacted from errors, optional timeouts. Every child process in Strata goes through here.
import { execa, type ResultPromise } from 'execa';
import type { Readable, Writable } from 'node:stream';

export interface ExecOptions {
  /** Extra environment for the child (e.g. PGPASSFILE); merged over process.env. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs?: number;
  /** Values that must never appear on argv, and are redacted from any error text. */
  secrets?: string[];
  input?: string | Buffer;
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export class ExecError extends Error {
  constructor(
    message: string,
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'ExecError';
  }
}

export function redactSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('***');
  }
  return out;
}

function assertNoSecretsOnArgv(file: string, args: readonly string[], secrets: readonly string[] = []): void {
  for (const secret of secrets) {
    if (secret.length >= 4 && [file, ...args].some((a) => a.includes(secret))) {
      throw new Error(`refusing to run ${file}: a secret would appear on its command line`);
    }
  }
}

function describe(file: string, args: readonly string[], secrets?: readonly string[]): string {
  return redactSecrets([file, ...args].join(' '), secrets);
}

/** Run a command to completion and capture its output. Rejects with ExecError on a non-zero exit. */
export async function runCommand(file: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  assertNoSecretsOnArgv(file, args, options.secrets);
  const result = await execa(file, args, {
    shell: false,
    reject: false,
    env: options.env,
    extendEnv: true,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    input: options.input,
    cancelSignal: options.signal,
    stripFinalNewline: false,
  });
  const stdout = String(result.stdout ?? '');
  const stderr = redactSecrets(String(result.stderr ?? ''), options.secrets);
  if (result.failed) {
    const why = result.code === 'ENOENT' ? `${file} is not installed or not on PATH` : stderr.trim() || (result.shortMessage ?? "unknown failure");
    throw new ExecError(
      `${describe(file, args, options.secrets)} failed${result.exitCode !== undefined ? ` (exit ${result.exitCode})` : ''}: ${redactSecrets(why, options.secrets)}`,
      describe(file, args, options.secrets),
      result.exitCode,
      stderr,
    );
  }
  return { stdout, stderr, exitCode: result.exitCode ?? 0 };
}

export interface StreamingProcess {
  stdin: Writable;
  stdout: Readable;
  /** Resolves when the process exits 0; rejects with ExecError (stderr included, secrets redacted) otherwise. */
  done: Promise<void>;
  kill(): void;
  /** The child's pid (undefined if it could not be spawned). */
  readonly pid: number | undefined;
}

/**
 * Spawn a process used as a streaming filter (zstd, age, pg_dump …). stdin/stdout are raw pipes;
 * stderr is collected (bounded) for the error message.
 */
export function spawnStream(file: string, args: readonly string[], options: ExecOptions = {}): StreamingProcess {
  const { child, done } = spawnFilter(file, args, 'pipe', options);
  if (!child.stdin || !child.stdout) throw new Error(`could not open pipes to ${file}`);
  return { stdin: child.stdin, stdout: child.stdout, done, kill: () => child.kill('SIGTERM'), pid: child.pid };
}

export interface ChainedProcess {
  stdout: Readable;
  done: Promise<void>;
  kill(): void;
}

/**
 * Spawn a filter whose stdin is `input`'s file descriptor (another child's stdout): the bytes go from
 * process to process through the kernel, never through Node (like a shell pipe). Node must not read
 * `input` itself: its descriptor is handed to the child, and Node's copy is closed once spawned (otherwise
 * the producer's stream never ends in Node and its exit is never reported).
 */
export function spawnStreamFrom(file: string, args: readonly string[], input: Readable, options: ExecOptions = {}): ChainedProcess {
  const { child, done } = spawnFilter(file, args, input, options);
  input.destroy();
  if (!child.stdout) throw new Error(`could not open the output pipe of ${file}`);
  return { stdout: child.stdout, done, kill: () => child.kill('SIGTERM') };
}

function spawnFilter(
  file: string,
  args: readonly string[],
  stdin: 'pipe' | Readable,
  options: ExecOptions,
): { child: ResultPromise; done: Promise<void> } {
  assertNoSecretsOnArgv(file, args, options.secrets);
  const child: ResultPromise = execa(file, args, {
    shell: false,
    reject: false,
    env: options.env,
    extendEnv: true,
    cwd: options.cwd,
    timeout: options.timeoutMs,
    cancelSignal: options.signal,
    stdin,
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: { stdout: false, stderr: true },
    maxBuffer: { stderr: 64 * 1024 },
    encoding: 'buffer',
  });
  const done = child.then((result) => {
    if (result.failed) {
      const stderr = redactSecrets(Buffer.from(result.stderr as unknown as Uint8Array).toString('utf8'), options.secrets);
      const why = result.code === 'ENOENT' ? `${file} is not installed or not on PATH` : stderr.trim() || (result.shortMessage ?? "unknown failure");
      throw new ExecError(
        `${describe(file, args, options.secrets)} failed${result.exitCode !== undefined ? ` (exit ${result.exitCode})` : ''}: ${redactSecrets(why, options.secrets)}`,
        describe(file, args, options.secrets),
        result.exitCode,
        stderr,
      );
    }
  });
  return { child, done };
}
