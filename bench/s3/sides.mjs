// One side of the S3 benchmark, in its own process so its peak RSS is its own. Prints one JSON line.
//   node bench/s3/sides.mjs strata-backup   ENDPOINT BUCKET DATA_DIR
//   node bench/s3/sides.mjs strata-put      ENDPOINT BUCKET FILE   (S3Storage.put alone: the storage layer)
//   node bench/s3/sides.mjs strata-download ENDPOINT BUCKET
//   node bench/s3/sides.mjs strata-restore  ENDPOINT BUCKET TARGET_DIR
//   node bench/s3/sides.mjs bare-upload     ENDPOINT BUCKET FILE
//   node bench/s3/sides.mjs bare-download   ENDPOINT BUCKET
//   node bench/s3/sides.mjs bare-restore    ENDPOINT BUCKET TARGET_DIR   (GetObject of Strata's artifact | tar x)
// Credentials come from the environment (AWS_ACCESS_KEY_ID …), like Strata's.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { benchPolicy } from '../lib/bench-policy.mjs';

// Both sides use the same part size and parallelism: Strata's defaults unless the run overrides them.
const PART_MB = Number(process.env.BENCH_PART_MB ?? 8);
const QUEUE_SIZE = Number(process.env.BENCH_QUEUE_SIZE ?? 4);
const PART_SIZE = PART_MB * 1024 * 1024;
// Strata's modules are loaded only by the sides that use them, so the bare sides' RSS is the SDK's alone.
const strata = async () => ({
  ...(await import('../../dist/backup/restore-backup.js')),
  ...(await import('../../dist/backup/run-backup.js')),
  ...(await import('../../dist/backup/verify-checksum.js')),
  ...(await import('../../dist/observe/scan-tier.js')),
  ...(await import('../../dist/storage/create-storage.js')),
});
const BARE_KEY = 'bare/data.bin';

const [mode, endpoint, bucket, path] = process.argv.slice(2);
const identity = (v) => v;

function tier() {
  return {
    name: 'warm',
    storage: { type: 's3', bucket, prefix: 'strata/', endpoint, force_path_style: true, part_size_mb: PART_MB, queue_size: QUEUE_SIZE },
    offsite: true,
  };
}

function policyFor(dataDir) {
  // Same bytes on both sides: no compression or encryption, so the figures are about moving data.
  return benchPolicy({ source: 'bench', sourceDef: { type: 'files', paths: [dataDir ?? '/nonexistent'] }, tier: tier(), compression: 'none', compressionLevel: 0 });
}

function client() {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
}

async function latestEntry(storage) {
  const { scanTier } = await strata();
  const { entries } = await scanTier(storage, 'warm', 'bench/');
  const entry = entries.at(-1);
  if (!entry) throw new Error('no backup to read; run strata-backup first');
  return entry;
}

/** A sink that hashes, like the bare side of a verified download would. */
function hashingSink(hash) {
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk, _encoding, callback) {
      hash.update(chunk);
      callback();
    },
  });
}

let started = process.hrtime.bigint();
let cpuStart = process.cpuUsage();
/** Start the clock here: finding the backup (a scan) is not part of moving its bytes. */
const startClock = () => {
  started = process.hrtime.bigint();
  cpuStart = process.cpuUsage();
};
let bytes;
let extra = {};
switch (mode) {
  case 'strata-backup': {
    const { createStorage, runBackup } = await strata();
    startClock();
    const { policy, category } = policyFor(path);
    const storage = createStorage(tier(), identity);
    const { manifest } = await runBackup({ policy, category, data: category.data[0], storages: new Map([['warm', storage]]), resolveSecret: identity });
    bytes = manifest.size;
    break;
  }
  case 'strata-put': {
    const { createStorage } = await strata();
    const storage = createStorage(tier(), identity);
    startClock();
    ({ bytes } = await storage.put('put/data.bin', createReadStream(path, { highWaterMark: 1 << 20 })));
    break;
  }
  case 'strata-download': {
    const { createStorage, verifyChecksum } = await strata();
    // Pass 1 of every restore and every checksum verification: stream the artifact through sha256.
    const storage = createStorage(tier(), identity);
    const entry = await latestEntry(storage);
    startClock();
    const check = await verifyChecksum(entry, storage);
    if (!check.ok) throw new Error(check.details.join('; '));
    bytes = check.bytes;
    break;
  }
  case 'strata-restore': {
    const { createStorage, restoreBackup } = await strata();
    const storage = createStorage(tier(), identity);
    const entry = await latestEntry(storage);
    const { policy } = policyFor();
    startClock();
    const result = await restoreBackup({ entry, storage, policy, target: path, resolveSecret: identity });
    bytes = entry.manifest.size;
    extra = { raw_bytes: result.bytes };
    break;
  }
  case 'bare-upload': {
    const upload = new Upload({ client: client(), params: { Bucket: bucket, Key: BARE_KEY, Body: createReadStream(path, { highWaterMark: 1 << 20 }) }, partSize: PART_SIZE, queueSize: QUEUE_SIZE });
    await upload.done();
    bytes = (await import('node:fs')).statSync(path).size;
    break;
  }
  case 'bare-download': {
    const out = await client().send(new GetObjectCommand({ Bucket: bucket, Key: BARE_KEY }));
    const hash = createHash('sha256');
    await pipeline(out.Body, hashingSink(hash));
    bytes = out.ContentLength ?? 0;
    extra = { sha256: hash.digest('hex') };
    break;
  }
  case 'bare-restore': {
    const { createStorage } = await strata();
    // The manual fallback without checks: one download straight into tar.
    const entry = await latestEntry(createStorage(tier(), identity));
    startClock();
    const out = await client().send(new GetObjectCommand({ Bucket: bucket, Key: `strata/${entry.dir}/${entry.manifest.artifact}` }));
    const tar = spawn('tar', ['-x', '-C', path], { stdio: ['pipe', 'ignore', 'inherit'] });
    const exited = new Promise((resolve, reject) => tar.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar exited ${code}`)))));
    await pipeline(out.Body, tar.stdin);
    await exited;
    bytes = out.ContentLength ?? 0;
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuStart);
process.stdout.write(`${JSON.stringify({ mode, seconds, bytes, max_rss_kb: process.resourceUsage().maxRSS, node_cpu_seconds: (cpu.user + cpu.system) / 1e6, ...extra })}\n`);
