// A Readable fed by an async generator, pulled on demand (backpressure: the generator only advances
// when the consumer wants more). Destroying it closes the generator once its pending step settles,
// so its `finally` blocks (closing connections) always run.
import { Readable } from 'node:stream';

export class GeneratorReadable extends Readable {
  private pumping = false;

  constructor(private readonly source: AsyncGenerator<Buffer>) {
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
      callback(error);
      return;
    }
    this.source.return(undefined).then(
      () => callback(error),
      () => callback(error),
    );
  }
}
