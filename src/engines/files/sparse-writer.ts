// Writes a restored file's content and leaves holes where the content is zeros: every 4 KiB block of
// the file that is all zeros is skipped (seeked over) instead of written, and the file is extended to its
// full size at the end, so a sparse file (a VM image, a database's preallocated file) does not come back
// fully allocated. GNU tar without --sparse stores such files with their zeros, as Strata does; this is
// the restore's side. Blocks are aligned to file offsets (content arrives in chunks of any size: a
// partial block waits for the rest), so a hole is detected wherever the filesystem could have one.
import { ftruncateSync, writeSync } from 'node:fs';

const HOLE_BLOCK = 4096;
const ZEROS = Buffer.alloc(HOLE_BLOCK);

export class SparseWriter {
  /** File offset of the next byte to arrive. */
  private offset = 0;
  /** End of the last byte written (holes after it are made by the final truncate). */
  private written = 0;
  /** A partial block waiting for the rest of its bytes. */
  private readonly carry = Buffer.allocUnsafe(HOLE_BLOCK);
  private carried = 0;
  /** A run of non-zero blocks not written yet, as [start, end) of `pending` chunk. */
  private run: { chunk: Buffer; start: number; end: number; at: number } | undefined;

  constructor(private readonly fd: number) {}

  write(chunk: Buffer): void {
    let pos = 0;
    if (this.carried > 0) {
      const take = Math.min(HOLE_BLOCK - this.carried, chunk.length);
      chunk.copy(this.carry, this.carried, 0, take);
      this.carried += take;
      pos = take;
      if (this.carried < HOLE_BLOCK) return;
      this.block(Buffer.from(this.carry), 0, HOLE_BLOCK);
      this.carried = 0;
    }
    while (chunk.length - pos >= HOLE_BLOCK) {
      this.block(chunk, pos, pos + HOLE_BLOCK);
      pos += HOLE_BLOCK;
    }
    this.flushRun();
    if (pos < chunk.length) {
      chunk.copy(this.carry, 0, pos);
      this.carried = chunk.length - pos;
    }
  }

  /** Write what is left and give the file its full size. */
  end(): void {
    if (this.carried > 0) {
      this.block(this.carry, 0, this.carried);
      this.carried = 0;
    }
    this.flushRun();
    if (this.written < this.offset) ftruncateSync(this.fd, this.offset);
  }

  /** One block (a whole 4 KiB block of the file, or its short last block). */
  private block(chunk: Buffer, start: number, end: number): void {
    const zero = ZEROS.compare(chunk, start, end, 0, end - start) === 0;
    if (zero) {
      this.flushRun();
    } else if (this.run && this.run.chunk === chunk && this.run.end === start) {
      this.run.end = end;
    } else {
      this.flushRun();
      this.run = { chunk, start, end, at: this.offset };
    }
    this.offset += end - start;
  }

  private flushRun(): void {
    const run = this.run;
    if (!run) return;
    this.run = undefined;
    let done = 0;
    const length = run.end - run.start;
    while (done < length) done += writeSync(this.fd, run.chunk, run.start + done, length - done, run.at + done);
    this.written = run.at + length;
  }
}
