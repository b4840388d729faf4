// Throttled progress reports: transfers call update() per chunk; listeners hear at most ~5 times a second.
export type ProgressCallback = (progress: { phase: string; bytes: number }) => void;

const INTERVAL_MS = 200;

export interface ProgressReporter {
  update: (bytes: number) => void;
  finish: () => void;
}

export function createProgressReporter(phase: string, callback: ProgressCallback | undefined): ProgressReporter {
  let last = 0;
  let bytes = 0;
  return {
    update: (n) => {
      bytes = n;
      const now = Date.now();
      if (callback && now - last >= INTERVAL_MS) {
        last = now;
        callback({ phase, bytes });
      }
    },
    finish: () => callback?.({ phase, bytes }),
  };
}
