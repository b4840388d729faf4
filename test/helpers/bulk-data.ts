// Large incompressible test data, fast: an 8 MiB random block repeated. zstd's window at the levels
// tests use is far smaller than 8 MiB, so the repetition does not compress.
import { randomBytes } from 'node:crypto';
import { open, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

const BLOCK = randomBytes(8 << 20);

export async function writeIncompressibleFile(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'w');
  try {
    let written = 0;
    let offset = Math.floor(Math.random() * BLOCK.length);
    while (written < bytes) {
      const n = Math.min(BLOCK.length - offset, bytes - written);
      await handle.write(BLOCK, offset, n);
      written += n;
      offset = 0;
    }
  } finally {
    await handle.close();
  }
}

/** `count` files of `each` bytes in `dir`, named blob-0.bin, blob-1.bin, … */
export async function writeIncompressibleTree(dir: string, count: number, each: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < count; i += 1) await writeIncompressibleFile(join(dir, `blob-${i}.bin`), each);
}
