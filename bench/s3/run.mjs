// S3 benchmark: Strata's backup upload, download and restore against a private radosgw, next to a bare
// lib-storage Upload / GetObject of the same bytes to the same server, in one run. Prints a table with
// ratios and peak RSS; writes JSON to bench/out/. See bench/s3/README.md.
//   node bench/s3/run.mjs [--size-mb 1024] [--runs 1] [--part-mb 8] [--queue 4] [--no-build] [--endpoint URL --bucket NAME]
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const MIB = 1024 * 1024;
const sizeBytes = Number(option('--size-mb', '1024')) * MIB;
const runs = Number(option('--runs', '1'));
// Strata's defaults (part_size_mb 8, queue_size 4); both sides use the same.
const partMb = Number(option('--part-mb', '8'));
const queueSize = Number(option('--queue', '4'));
process.env.BENCH_PART_MB = String(partMb);
process.env.BENCH_QUEUE_SIZE = String(queueSize);
const log = (m) => process.stderr.write(`${m}\n`);

if (!flag('--no-build')) {
  log('building dist/ (npm run build)…');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
}

const work = mkdtempSync(join(tmpdir(), 'strata-bench-s3-'));
const dataDir = join(work, 'data');
mkdirSync(dataDir);
const dataFile = join(dataDir, 'blob.bin');
{
  // Incompressible bytes, fast: an 8 MiB random block repeated (nothing on either side compresses).
  log(`writing ${sizeBytes / MIB} MiB of test data…`);
  const block = randomBytes(8 * MIB);
  const fd = openSync(dataFile, 'w');
  for (let written = 0; written < sizeBytes; written += block.length) writeSync(fd, block, 0, Math.min(block.length, sizeBytes - written));
  closeSync(fd);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// The OSD keeps objects in RAM: room for every upload of this run (Strata's and the bare one) plus slack,
// since radosgw frees deleted data only later (garbage collection).
const osdBytes = Math.max(4 * 1024 * MIB, 3 * runs * sizeBytes + 1024 * MIB);
let endpoint = option('--endpoint', undefined);
let rgwBase;
if (!endpoint) {
  rgwBase = join(work, 'rgw');
  process.on('exit', () => stopRgw());
  process.on('SIGINT', () => process.exit(130));
  const [rgwPort, monPort] = [await freePort(), await freePort()];
  log(`starting radosgw (OSD memstore ${(osdBytes / 1024 / MIB).toFixed(1)} GiB)…`);
  execFileSync('bash', [join(repo, 'test/helpers/start-rgw.sh')], {
    env: { ...process.env, RGW_BASE: rgwBase, RGW_PORT: String(rgwPort), MON_PORT: String(monPort), OSD_BYTES: String(osdBytes), RGW_ACCESS_KEY: 'bench', RGW_SECRET_KEY: 'bench-secret' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  endpoint = `http://127.0.0.1:${rgwPort}`;
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench-secret' });
}
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function stopRgw() {
  const base = rgwBase;
  rgwBase = undefined;
  if (base) spawnSync('bash', [join(repo, 'test/helpers/stop-rgw.sh'), '--wipe'], { env: { ...process.env, RGW_BASE: base }, stdio: 'ignore' });
}

function side(mode, bucket, path) {
  const result = spawnSync(process.execPath, [join(here, 'sides.mjs'), mode, endpoint, bucket, ...(path ? [path] : [])], { encoding: 'utf8', env: process.env });
  if (result.status !== 0) throw new Error(`${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

const samples = { bare_upload: [], strata_put: [], strata_backup: [], bare_download: [], strata_download: [], bare_restore: [], strata_restore: [] };
try {
  const client = new S3Client({ endpoint, region: process.env.AWS_REGION, forcePathStyle: true });
  for (let i = 0; i < runs; i += 1) {
    const bucket = option('--bucket', `strata-bench-${Date.now().toString(36)}`);
    if (!option('--bucket', undefined)) await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const target = (name) => {
      const dir = join(work, name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      return dir;
    };
    // Alternate who goes first: the OSD slows down as its memory fills, which would favour the first side.
    const pairs = [
      [
        ['bare_upload', () => side('bare-upload', bucket, dataFile)],
        ['strata_put', () => side('strata-put', bucket, dataFile)],
        ['strata_backup', () => side('strata-backup', bucket, dataDir)],
      ],
      [
        ['bare_download', () => side('bare-download', bucket)],
        ['strata_download', () => side('strata-download', bucket)],
      ],
    ];
    for (const group of pairs) {
      for (const [name, run] of i % 2 === 0 ? group : [...group].reverse()) {
        log(`run ${i + 1}/${runs}: ${name}…`);
        samples[name].push(run());
      }
    }
    log(`run ${i + 1}/${runs}: bare GetObject | tar x…`);
    samples.bare_restore.push(side('bare-restore', bucket, target('bare-restored')));
    log(`run ${i + 1}/${runs}: strata restore…`);
    samples.strata_restore.push(side('strata-restore', bucket, target('strata-restored')));
    rmSync(join(work, 'bare-restored'), { recursive: true, force: true });
    rmSync(join(work, 'strata-restored'), { recursive: true, force: true });
  }
} finally {
  stopRgw();
}

const best = (list) => list.reduce((a, b) => (b.seconds < a.seconds ? b : a));
const mbps = (s) => s.bytes / 1e6 / s.seconds;
const pick = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, best(v)]));
const peakRss = (k) => Math.max(...samples[k].map((s) => s.max_rss_kb)) / 1024;
const result = {
  format_version: 1,
  at: new Date().toISOString(),
  host: { cpus: cpus().length, node: process.version },
  server: option('--endpoint', undefined) ? 'external endpoint' : `radosgw (memstore OSD, ${osdBytes / MIB} MiB)`,
  size_bytes: sizeBytes,
  runs,
  part_size: partMb * MIB,
  queue_size: queueSize,
  upload: {
    bare_mb_per_s: mbps(pick.bare_upload),
    strata_mb_per_s: mbps(pick.strata_backup),
    ratio: mbps(pick.strata_backup) / mbps(pick.bare_upload),
    storage_put_mb_per_s: mbps(pick.strata_put),
    storage_put_ratio: mbps(pick.strata_put) / mbps(pick.bare_upload),
  },
  download: { bare_mb_per_s: mbps(pick.bare_download), strata_mb_per_s: mbps(pick.strata_download), ratio: mbps(pick.strata_download) / mbps(pick.bare_download) },
  restore: { bare_mb_per_s: mbps(pick.bare_restore), strata_mb_per_s: mbps(pick.strata_restore), ratio: mbps(pick.strata_restore) / mbps(pick.bare_restore) },
  peak_rss_mb: { strata_put: peakRss('strata_put'), strata_backup: peakRss('strata_backup'), strata_download: peakRss('strata_download'), strata_restore: peakRss('strata_restore'), bare_upload: peakRss('bare_upload'), bare_download: peakRss('bare_download') },
  load_average: loadavg(),
  samples,
};
const strataPeak = Math.max(result.peak_rss_mb.strata_put, result.peak_rss_mb.strata_backup, result.peak_rss_mb.strata_download, result.peak_rss_mb.strata_restore);
result.targets = { ratio_min: 0.9, upload_ok: result.upload.ratio >= 0.9, download_ok: result.download.ratio >= 0.9, rss_max_mb: 200, rss_ok: strataPeak <= 200 };

const row = (name, s, extra = '') => `${name.padEnd(44)} ${s.seconds.toFixed(2).padStart(7)} s ${mbps(s).toFixed(1).padStart(8)} MB/s  RSS ${(s.max_rss_kb / 1024).toFixed(0).padStart(4)} MB  ${extra}`;
const lines = [
  `S3 benchmark: ${(sizeBytes / 1e9).toFixed(2)} GB, ${result.server}, part ${partMb} MiB × ${queueSize} in flight (best of ${runs})`,
  row('bare lib-storage Upload (file → S3)', pick.bare_upload),
  row('strata S3Storage.put (file → S3)', pick.strata_put, `ratio ${result.upload.storage_put_ratio.toFixed(2)}×`),
  row('strata runBackup (files → tar → S3Storage)', pick.strata_backup, `ratio ${result.upload.ratio.toFixed(2)}×`),
  row('bare GetObject + sha256', pick.bare_download),
  row('strata download (S3Storage.get + sha256)', pick.strata_download, `ratio ${result.download.ratio.toFixed(2)}×`),
  row('bare GetObject | tar x (no checks)', pick.bare_restore),
  row('strata restore (verify pass + extract pass)', pick.strata_restore, `ratio ${result.restore.ratio.toFixed(2)}×`),
  `targets: upload ≥ 0.9× ${result.targets.upload_ok ? 'met' : 'MISSED'}, download ≥ 0.9× ${result.targets.download_ok ? 'met' : 'MISSED'}, Strata peak RSS ${strataPeak.toFixed(0)} MB ≤ 200 MB ${result.targets.rss_ok ? 'met' : 'MISSED'}`,
  `load average at the end: ${loadavg().map((l) => l.toFixed(1)).join(' ')} (radosgw, the OSD and other processes share these ${cpus().length} cores)`,
];
process.stdout.write(`${lines.join('\n')}\n`);
const outDir = join(repo, 'bench', 'out');
mkdirSync(outDir, { recursive: true });
const file = join(outDir, `s3-${result.at.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(outDir, 's3-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
log(`wrote ${file}`);
rmSync(work, { recursive: true, force: true });
