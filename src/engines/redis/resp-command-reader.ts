// Reads a RESP command stream (the logical artifact: arrays of bulk strings, as redis-cli --pipe
// sends them) chunk by chunk. Memory holds at most one incomplete command besides the current chunk.
export class RespStreamError extends Error {}

const EMPTY = Buffer.alloc(0);

interface Incomplete {
  /** Bytes needed from the command start before parsing can succeed (a lower bound). */
  need: number;
}

function readLine(buf: Buffer, from: number, prefix: number): { value: number; next: number } | undefined {
  if (from >= buf.length) return undefined;
  if (buf[from] !== prefix) {
    throw new RespStreamError(`the backup stream is not a RESP command stream (expected "${String.fromCharCode(prefix)}" at a command boundary)`);
  }
  const end = buf.indexOf(13, from);
  if (end < 0 || end + 1 >= buf.length) return undefined;
  if (buf[end + 1] !== 10) throw new RespStreamError('malformed RESP line in the backup stream');
  const text = buf.toString('latin1', from + 1, end);
  if (!/^\d+$/.test(text)) throw new RespStreamError(`malformed RESP length "${text.slice(0, 20)}" in the backup stream`);
  return { value: Number(text), next: end + 2 };
}

function parseCommand(buf: Buffer, start: number): { args: Buffer[]; next: number } | Incomplete {
  const head = readLine(buf, start, 0x2a);
  if (!head) return { need: buf.length - start + 1 };
  const args: Buffer[] = [];
  let pos = head.next;
  for (let i = 0; i < head.value; i += 1) {
    const bulk = readLine(buf, pos, 0x24);
    if (!bulk) return { need: buf.length - start + 1 };
    const end = bulk.next + bulk.value;
    if (end + 2 > buf.length) return { need: end + 2 - start };
    args.push(buf.subarray(bulk.next, end));
    pos = end + 2;
  }
  return { args, next: pos };
}

export class RespCommandReader {
  private buf: Buffer = EMPTY;
  private queue: Buffer[] = [];
  private queued = 0;
  private need = 0;

  /** Feed a chunk; returns the commands completed by it (argument buffers are views, valid until dropped). */
  push(chunk: Buffer): Buffer[][] {
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.buf.length + this.queued < this.need) return [];
    this.buf = this.buf.length === 0 && this.queue.length === 1 ? this.queue[0]! : Buffer.concat([this.buf, ...this.queue]);
    this.queue = [];
    this.queued = 0;
    const commands: Buffer[][] = [];
    let pos = 0;
    for (;;) {
      if (pos >= this.buf.length) {
        this.buf = EMPTY;
        this.need = 0;
        return commands;
      }
      const parsed = parseCommand(this.buf, pos);
      if ('need' in parsed) {
        this.buf = this.buf.subarray(pos);
        this.need = parsed.need;
        return commands;
      }
      commands.push(parsed.args);
      pos = parsed.next;
    }
  }

  /** The stream ended: throws when it stopped in the middle of a command. */
  end(): void {
    if (this.buf.length + this.queued > 0) throw new RespStreamError('the backup stream ends in the middle of a command (truncated)');
  }
}
