// RESP encoding of commands (arrays of bulk strings), as redis-cli --pipe and every server read them.
// RespBuilder writes many commands into one growing buffer: no per-argument allocations.
export type RespArg = string | Buffer | number;

export class RespBuilder {
  private buf: Buffer;
  private length = 0;
  /** Commands added since the last take(). */
  count = 0;

  constructor(private readonly initial = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get size(): number {
    return this.length;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  /** Short ASCII text, byte by byte: much cheaper than Buffer#write for a few bytes. */
  private ascii(text: string): void {
    this.ensure(text.length);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < text.length; i += 1) buf[at++] = text.charCodeAt(i);
    this.length = at;
  }

  private crlf(): void {
    this.buf[this.length++] = 13;
    this.buf[this.length++] = 10;
  }

  command(args: readonly RespArg[]): this {
    this.ascii(`*${args.length}\r\n`);
    for (const arg of args) {
      const data = Buffer.isBuffer(arg) ? arg : typeof arg === 'number' || isAscii(arg) ? undefined : Buffer.from(arg, 'utf8');
      if (data) {
        this.ascii(`$${data.length}\r\n`);
        this.ensure(data.length + 2);
        this.buf.set(data, this.length);
        this.length += data.length;
      } else {
        const text = String(arg);
        this.ascii(`$${text.length}\r\n`);
        this.ascii(text);
        this.ensure(2);
      }
      this.crlf();
    }
    this.count += 1;
    return this;
  }

  /** The bytes written so far; the builder starts over with a fresh buffer. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.length);
    this.buf = Buffer.allocUnsafe(this.initial);
    this.length = 0;
    this.count = 0;
    return out;
  }
}

export function encodeCommand(args: readonly RespArg[]): Buffer {
  return new RespBuilder(256).command(args).take();
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 127) return false;
  return true;
}
