// The SYNC payload, assembled into large chunks as it arrives. On plain TCP the socket reads straight
// into the chunk being filled (net's `onread`, see resp-socket.ts): the ~16 KB reads of a diskless
// transfer then cost no allocation and no copy, and later stages (scan, hash, file writes) see a few
// hundred large chunks. Bytes that arrive otherwise (TLS, or read before the hand-over) are copied in.
//
// A diskless payload ends with a 40-byte mark: the last 40 bytes received are always held back (and
// carried into the next chunk), so the mark never reaches the output and is contiguous when checked.

export type PayloadEnd = { kind: 'length'; length: number } | { kind: 'eof'; mark: Buffer };

export const CHUNK_BYTES = 512 * 1024;
/** A chunk with less room than this is emitted: reads stay large. */
export const MIN_READ_BYTES = 64 * 1024;

export interface ChunkSink {
  /** A complete chunk of payload bytes (a view of a buffer the chunker no longer writes to). */
  chunk(data: Buffer): void;
  /** The whole payload was received (after the last chunk). */
  end(): void;
}

export class PayloadChunker {
  private buffer: Buffer;
  private filled = 0;
  private remaining: number;
  private readonly hold: number;
  /** Where reads land once done (never the buffer of an emitted chunk). */
  private spare: Buffer | undefined;
  /** Payload bytes emitted so far. */
  bytes = 0;
  done = false;

  constructor(
    private readonly payload: PayloadEnd,
    private readonly sink: ChunkSink,
    private readonly chunkBytes = CHUNK_BYTES,
    private readonly minRead = MIN_READ_BYTES,
  ) {
    this.hold = payload.kind === 'eof' ? payload.mark.length : 0;
    if (chunkBytes < minRead + this.hold) throw new Error('chunk size too small for the minimum read');
    this.remaining = payload.kind === 'length' ? payload.length : Infinity;
    this.buffer = Buffer.allocUnsafe(chunkBytes);
    // An empty payload is complete from the start: the caller checks `done` (no sink call from here).
    this.done = this.remaining === 0;
  }

  /** Payload bytes received so far, emitted or not (the held-back tail, which may be the mark, aside). */
  get receivedBytes(): number {
    return this.bytes + Math.max(0, this.filled - this.hold);
  }

  /** Where the next socket read may land: never empty, and never past a length-delimited payload. */
  space(): Buffer {
    if (this.done) return (this.spare ??= Buffer.allocUnsafe(this.minRead));
    const end = Math.min(this.buffer.length, this.filled + this.remaining);
    return this.buffer.subarray(this.filled, end);
  }

  /**
   * `n` bytes were read into the last space(). `atReadEnd`: these bytes end what the socket delivered
   * (only there may the end mark be, as the server sent it).
   */
  received(n: number, atReadEnd = true): void {
    if (this.done || n <= 0) return;
    const take = Math.min(n, this.remaining);
    this.filled += take;
    this.remaining -= take;
    if (this.payload.kind === 'length' ? this.remaining === 0 : atReadEnd && this.endsWithMark(this.payload.mark)) {
      this.filled -= this.hold;
      this.finish();
      return;
    }
    if (this.buffer.length - this.filled < this.minRead) this.rollOver();
  }

  private endsWithMark(mark: Buffer): boolean {
    return this.filled >= mark.length && this.buffer.subarray(this.filled - mark.length, this.filled).equals(mark);
  }

  /** Bytes that did not arrive through space(): copied in. */
  write(data: Buffer): void {
    let offset = 0;
    while (offset < data.length && !this.done) {
      const space = this.space();
      const n = Math.min(space.length, data.length - offset);
      data.copy(space, 0, offset, offset + n);
      offset += n;
      this.received(n, offset === data.length);
    }
  }

  /** Emit the filled chunk but the held-back tail, which starts the next chunk. */
  private rollOver(): void {
    const out = this.filled - this.hold;
    const full = this.buffer;
    this.buffer = Buffer.allocUnsafe(this.chunkBytes);
    full.copy(this.buffer, 0, out, this.filled);
    this.filled = this.hold;
    this.emit(full.subarray(0, out));
  }

  private finish(): void {
    this.done = true;
    const last = this.buffer.subarray(0, this.filled);
    this.filled = 0;
    this.emit(last);
    this.sink.end();
  }

  private emit(data: Buffer): void {
    if (data.length === 0) return;
    this.bytes += data.length;
    this.sink.chunk(data);
  }
}
