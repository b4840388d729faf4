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

  /** `*3\r\n` / `$12\r\n`: a type byte, a decimal number and CRLF, without building a string. */
  private header(type: number, n: number): void {
    this.ensure(24);
    const buf = this.buf;
    buf[this.length++] = type;
    if (n < 10) {
      buf[this.length++] = 48 + n;
    } else {
      const start = this.length;
      let rest = n;
      while (rest > 0) {
        buf[this.length++] = 48 + (rest % 10);
        rest = Math.floor(rest / 10);
      }
      buf.subarray(start, this.length).reverse();
    }
    this.crlf();
  }

  command(args: readonly RespArg[]): this {
    this.header(0x2a, args.length);
    for (const arg of args) {
      const data = Buffer.isBuffer(arg) ? arg : typeof arg === 'number' || isAscii(arg) ? undefined : Buffer.from(arg, 'utf8');
      if (data) {
        this.header(0x24, data.length);
        this.ensure(data.length + 2);
        this.buf.set(data, this.length);
        this.length += data.length;
      } else {
        const text = String(arg);
        this.header(0x24, text.length);
        this.ascii(text);
        this.ensure(2);
      }
      this.crlf();
    }
    this.count += 1;
    return this;
  }

  /** Append an already encoded command as is. */
  raw(command: Buffer): this {
    this.ensure(command.length);
    this.buf.set(command, this.length);
    this.length += command.length;
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
