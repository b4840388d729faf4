// Reads a RESP command stream (the logical artifact: arrays of bulk strings, as redis-cli --pipe
// sends them) chunk by chunk. Memory holds at most one incomplete command besides the current chunk.
// each() hands out one reused view per command (offsets, no per-argument objects): restoring
// millions of keys would otherwise spend more time in the garbage collector than anywhere else.
export class RespStreamError extends Error {}

const EMPTY = Buffer.alloc(0);
const MAX_ARGS = 16;

/** One command, valid only during the callback: argument i is buf[offsets[2i], offsets[2i+1]). */
export interface CommandView {
  buf: Buffer;
  /** Encoded command: buf[start, end). */
  start: number;
  end: number;
  argc: number;
  offsets: Int32Array;
}

/** Parse the decimal number after a type byte at `from`; returns the position after its CRLF, or -1 when incomplete. */
function readNumber(buf: Buffer, from: number, prefix: number, out: { value: number }): number {
  if (from >= buf.length) return -1;
  if (buf[from] !== prefix) {
    throw new RespStreamError(`the backup stream is not a RESP command stream (expected "${String.fromCharCode(prefix)}" at a command boundary)`);
  }
  let value = 0;
  let pos = from + 1;
  for (; pos < buf.length; pos += 1) {
    const c = buf[pos]!;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      continue;
    }
    if (c !== 13) throw new RespStreamError('malformed RESP length in the backup stream');
    break;
  }
  if (pos + 1 >= buf.length) return -1;
  if (pos === from + 1 || buf[pos + 1] !== 10) throw new RespStreamError('malformed RESP line in the backup stream');
  out.value = value;
  return pos + 2;
}

export class RespCommandReader {
  private buf: Buffer = EMPTY;
  private queue: Buffer[] = [];
  private queued = 0;
  private need = 0;
  private readonly number = { value: 0 };
  private readonly view: CommandView = { buf: EMPTY, start: 0, end: 0, argc: 0, offsets: new Int32Array(MAX_ARGS * 2) };

  /** Parse one command at `start` into the view; returns its end, or -(bytes needed from start) when incomplete. */
  private parse(buf: Buffer, start: number): number {
    let pos = readNumber(buf, start, 0x2a, this.number);
    if (pos < 0) return -(buf.length - start + 1);
    const argc = this.number.value;
    if (argc > MAX_ARGS) throw new RespStreamError(`a command with ${argc} arguments in the backup stream`);
    const offsets = this.view.offsets;
    for (let i = 0; i < argc; i += 1) {
      const next = readNumber(buf, pos, 0x24, this.number);
      if (next < 0) return -(buf.length - start + 1);
      const end = next + this.number.value;
      if (end + 2 > buf.length) return -(end + 2 - start);
      offsets[2 * i] = next;
      offsets[2 * i + 1] = end;
      pos = end + 2;
    }
    this.view.argc = argc;
    return pos;
  }

  /** Feed a chunk and call `visit` for every command it completes. */
  each(chunk: Buffer, visit: (command: CommandView) => void): void {
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.buf.length + this.queued < this.need) return;
    this.buf = this.buf.length === 0 && this.queue.length === 1 ? this.queue[0]! : Buffer.concat([this.buf, ...this.queue]);
    this.queue = [];
    this.queued = 0;
    const buf = this.buf;
    const view = this.view;
    view.buf = buf;
    let pos = 0;
    while (pos < buf.length) {
      const end = this.parse(buf, pos);
      if (end < 0) {
        this.buf = buf.subarray(pos);
        this.need = -end;
        return;
      }
      view.start = pos;
      view.end = end;
      visit(view);
      pos = end;
    }
    this.buf = EMPTY;
    this.need = 0;
  }

  /** Feed a chunk; returns the arguments of the commands it completes (copies). */
  push(chunk: Buffer): Buffer[][] {
    const commands: Buffer[][] = [];
    this.each(chunk, (c) => {
      const args: Buffer[] = [];
      for (let i = 0; i < c.argc; i += 1) args.push(Buffer.from(c.buf.subarray(c.offsets[2 * i]!, c.offsets[2 * i + 1]!)));
      commands.push(args);
    });
    return commands;
  }

  /** The stream ended: throws when it stopped in the middle of a command. */
  end(): void {
    if (this.buf.length + this.queued > 0) throw new RespStreamError('the backup stream ends in the middle of a command (truncated)');
  }
}

/** Argument i of a command view, as a view (valid during the callback only). */
export function argument(command: CommandView, i: number): Buffer {
  return command.buf.subarray(command.offsets[2 * i]!, command.offsets[2 * i + 1]!);
}

/** Whether argument i equals an upper-case ASCII word, ignoring case. */
export function argumentIs(command: CommandView, i: number, word: string): boolean {
  const start = command.offsets[2 * i]!;
  if (command.offsets[2 * i + 1]! - start !== word.length) return false;
  for (let j = 0; j < word.length; j += 1) {
    if ((command.buf[start + j]! & 0xdf) !== word.charCodeAt(j)) return false;
  }
  return true;
}

/** Argument i as a non-negative integer (decimal digits only), or -1. */
export function argumentNumber(command: CommandView, i: number): number {
  const start = command.offsets[2 * i]!;
  const end = command.offsets[2 * i + 1]!;
  if (end === start || end - start > 15) return -1;
  let value = 0;
  for (let p = start; p < end; p += 1) {
    const c = command.buf[p]!;
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}
