// A real S3 server for a test file: a private radosgw (test/helpers/start-rgw.sh, random ports, temp dir,
// stopped and wiped in afterAll), or the server named by STRATA_TEST_S3_ENDPOINT (+ AWS_* credentials in the
// environment; CI can point it at MinIO). Missing Ceph binaries skip the suite with a SKIPPED line, or fail
// it under STRATA_REQUIRE_SERVICES=1.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { runCommand } from '../../src/exec/exec.js';
import { requireBinaries, servicesRequired } from './services.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const START = join(HERE, 'start-rgw.sh');
const STOP = join(HERE, 'stop-rgw.sh');
const RGW_BINARIES = ['radosgw', 'radosgw-admin', 'ceph-mon', 'ceph-osd', 'ceph', 'ceph-authtool', 'monmaptool', 'curl'];

export interface S3TestServer {
  endpoint: string;
  region: string;
  /** True for the private radosgw; false for STRATA_TEST_S3_ENDPOINT. */
  radosgw: boolean;
  /** A client for assertions, configured like Strata's (path style, checksums when required). */
  client: S3Client;
  /** A fresh bucket with a unique name. */
  createBucket(options?: { objectLock?: boolean }): Promise<string>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Credentials reach Strata the way they do in production: through the SDK's default provider chain (env). */
function exportCredentials(accessKey: string, secretKey: string, region: string): void {
  process.env.AWS_ACCESS_KEY_ID = accessKey;
  process.env.AWS_SECRET_ACCESS_KEY = secretKey;
  process.env.AWS_REGION = region;
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}

function makeClient(endpoint: string, region: string): S3Client {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new S3Client({ endpoint, region, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
}

function serverFor(endpoint: string, region: string, radosgw: boolean): S3TestServer {
  const client = makeClient(endpoint, region);
  return {
    endpoint,
    region,
    radosgw,
    client,
    async createBucket(options = {}) {
      const bucket = `strata-t-${randomBytes(5).toString('hex')}`;
      await client.send(new CreateBucketCommand({ Bucket: bucket, ...(options.objectLock ? { ObjectLockEnabledForBucket: true } : {}) }));
      return bucket;
    },
  };
}

interface Started {
  base: string;
  endpoint: string;
}

async function startRadosgw(): Promise<Started> {
  const base = await mkdtemp(join(tmpdir(), 'strata-rgw-'));
  // Stop the daemons even if the worker dies without running afterAll.
  process.once('exit', () => spawnSync('bash', [STOP, '--wipe'], { env: { ...process.env, RGW_BASE: base }, stdio: 'ignore' }));
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    const [rgwPort, monPort] = [await freePort(), await freePort()];
    try {
      await runCommand('bash', [START], {
        env: { RGW_BASE: base, RGW_PORT: String(rgwPort), MON_PORT: String(monPort), RGW_ACCESS_KEY: 'strata-test', RGW_SECRET_KEY: 'strata-test-secret' },
        timeoutMs: 120_000,
      });
      return { base, endpoint: `http://127.0.0.1:${rgwPort}` };
    } catch (error) {
      lastError = error; // most likely a port taken between choosing and binding it: try other ports once
      const log = await readFile(join(base, 'log', 'client.rgw.test.log'), 'utf8').catch(() => '');
      if (log) lastError = new Error(`${(error as Error).message}\nradosgw log tail:\n${log.split('\n').slice(-20).join('\n')}`);
      await runCommand('bash', [STOP, '--wipe'], { env: { RGW_BASE: base } }).catch(() => undefined);
    }
  }
  await rm(base, { recursive: true, force: true });
  throw lastError;
}

/**
 * describe() with an S3 server. `server()` is valid inside tests and hooks. One server per test file:
 * radosgw takes a few seconds to start.
 */
export function describeS3(title: string, fn: (server: () => S3TestServer) => void): void {
  let current: S3TestServer | undefined;
  const server = (): S3TestServer => {
    if (!current) throw new Error('the S3 test server is not running (beforeAll failed?)');
    return current;
  };
  const external = process.env.STRATA_TEST_S3_ENDPOINT;
  if (external) {
    describe(title, () => {
      beforeAll(() => {
        if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) {
          throw new Error('STRATA_TEST_S3_ENDPOINT is set, but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not');
        }
        const region = process.env.AWS_REGION ?? 'us-east-1';
        exportCredentials(process.env.AWS_ACCESS_KEY_ID, process.env.AWS_SECRET_ACCESS_KEY, region);
        current = serverFor(external, region, false);
      });
      fn(server);
    });
    return;
  }
  const check = requireBinaries(RGW_BINARIES, `${title} (radosgw)`);
  if (check.missing.length > 0) {
    if (check.skip) describe.skip(title, () => fn(server));
    else
      describe(title, () => {
        it('has radosgw', () => {
          throw new Error(`STRATA_REQUIRE_SERVICES=1 but the radosgw test server cannot run; missing: ${check.missing.join(', ')}`);
        });
      });
    return;
  }
  describe(title, () => {
    let started: Started | undefined;
    beforeAll(async () => {
      started = await startRadosgw();
      exportCredentials('strata-test', 'strata-test-secret', 'us-east-1');
      current = serverFor(started.endpoint, 'us-east-1', true);
    }, 150_000);
    afterAll(async () => {
      current?.client.destroy();
      current = undefined;
      if (started) await runCommand('bash', [STOP, '--wipe'], { env: { RGW_BASE: started.base }, timeoutMs: 60_000 });
    }, 90_000);
    fn(server);
  });
}

/** Print a visible SKIPPED line (for checks that need more than radosgw offers). */
export function skipNote(what: string): void {
  console.warn(`SKIPPED: ${what}`);
}

export { servicesRequired };
