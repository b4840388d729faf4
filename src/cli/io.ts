// Output channels for commands: data on stdout, progress and diagnostics on stderr.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  interactive: boolean;
  exitCode: number;
}

export function createProcessIo(): Io {
  return {
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
    interactive: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    exitCode: 0,
  };
}
