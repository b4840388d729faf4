// Generates the benchmark tree (about 1 GB): compressible log-like text, incompressible random data and
// many small files. Reused between runs when the spec marker matches.
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export const SPEC = {
  version: 1,
  textFiles: 8, // × 50 MiB of log-like text
  textFileBytes: 50 << 20,
  randomFiles: 8, // × 50 MiB of random bytes
  randomFileBytes: 50 << 20,
  smallDirs: 100, // × 200 files, 256 B … 20 KiB, mixed text and binary
  smallPerDir: 200,
};

function makeRng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'login logout upload download render sketch version prompt chain block commit merge retry timeout cache miss hit user admin guest'.split(' ');
const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];

function textChunk(rng, bytes) {
  const lines = [];
  let size = 0;
  let t = Date.UTC(2026, 0, 1) + Math.floor(rng() * 1e9);
  while (size < bytes) {
    t += Math.floor(rng() * 2000);
    const line = `${new Date(t).toISOString()} ${LEVELS[Math.floor(rng() * LEVELS.length)]} svc=${WORDS[Math.floor(rng() * WORDS.length)]} user=${Math.floor(rng() * 100000)} action=${WORDS[Math.floor(rng() * WORDS.length)]} latency_ms=${Math.floor(rng() * 900)} id=${Math.floor(rng() * 1e12).toString(16)}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}

function writeLarge(path, bytes, fill) {
  const fd = openSync(path, 'w');
  try {
    const chunk = 4 << 20;
    for (let done = 0; done < bytes; done += chunk) writeSync(fd, fill(Math.min(chunk, bytes - done)));
  } finally {
    closeSync(fd);
  }
}

export function totalBytes(spec = SPEC) {
  return spec.textFiles * spec.textFileBytes + spec.randomFiles * spec.randomFileBytes;
}

/** Ensure the tree exists under `root`; returns its data directory. */
export function ensureTree(root, log = () => {}) {
  const data = join(root, 'data');
  const marker = join(root, 'spec.json');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(SPEC)) return data;
  log(`generating ~1 GB of test data in ${data} (once; reused by later runs)…`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(data, 'text'), { recursive: true });
  mkdirSync(join(data, 'random'), { recursive: true });
  const rng = makeRng(42);
  for (let i = 0; i < SPEC.textFiles; i += 1) writeLarge(join(data, 'text', `log-${i}.txt`), SPEC.textFileBytes, (n) => textChunk(rng, n));
  for (let i = 0; i < SPEC.randomFiles; i += 1) writeLarge(join(data, 'random', `blob-${i}.bin`), SPEC.randomFileBytes, (n) => randomFillSync(Buffer.allocUnsafe(n)));
  for (let d = 0; d < SPEC.smallDirs; d += 1) {
    const dir = join(data, 'small', `d${String(d).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < SPEC.smallPerDir; f += 1) {
      const size = 256 + Math.floor(rng() * 20 * 1024);
      const binary = f % 4 === 0;
      writeFileSync(join(dir, `f${f}.${binary ? 'bin' : 'json'}`), binary ? randomFillSync(Buffer.allocUnsafe(size)) : textChunk(rng, size));
    }
  }
  writeFileSync(marker, JSON.stringify(SPEC));
  return data;
}
