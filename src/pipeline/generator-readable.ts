// A Readable that pulls chunks from an async generator only when the consumer wants more (so a slow
// upload holds back the file reads or the database cursor). Unlike Readable.from, destroying it while a
// step is in flight never throws into the generator mid-await (which surfaced as an uncaught exception);
// the generator is closed (its `finally` blocks run: files, cursors and connections are closed) once the
// pending step settles. Shared by the files, Redis and MongoDB engines.
import { Readable } from 'node:stream';

export class GeneratorReadable extends Readable {
  private pumping = false;

  constructor(private readonly source: AsyncGenerator<Buffer, unknown>) {
    super({ highWaterMark: 1 << 20 });
  }

  override _read(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.pump();
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        const step = await this.source.next();
        if (this.destroyed) {
          await this.source.return(undefined).catch(() => undefined);
          return;
        }
        if (step.done) {
          this.push(null);
          return;
        }
        if (step.value.length > 0 && !this.push(step.value)) return;
      }
    } catch (error) {
      this.destroy(error as Error);
    } finally {
      this.pumping = false;
    }
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.pumping) {
      callback(error); // pump() closes the generator when its pending step settles
      return;
    }
    this.source.return(undefined).then(
      () => callback(error),
      () => callback(error),
    );
  }
}
