// The MongoDB server of the benchmark: a real one (--uri or STRATA_TEST_MONGODB_URI), or else the FAKE
// wire server (test/helpers/fake-mongod, NOT a MongoDB) in a child process of its own (fake-side.mjs),
// so the documents it holds in memory are never counted in Strata's RSS.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';

/** The fake's peak RSS in MB, from /proc (Linux), or undefined once it has exited. */
function peakRssMb(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function startFake(repo, here, out, standalone, log) {
  const bundle = join(out, '.mongodb-fake-bundle.mjs');
  execFileSync(join(repo, 'node_modules', '.bin', 'esbuild'), [join(here, 'fake-entry.ts'), '--bundle', '--platform=node', '--format=esm', '--packages=external', `--outfile=${bundle}`, '--log-level=warning'], {
    cwd: repo,
    stdio: 'inherit',
  });
  // stdin stays open as a lifeline: the fake exits when this process dies and the pipe closes.
  const child = spawn(process.execPath, [join(here, 'fake-side.mjs'), ...(standalone ? ['--standalone'] : [])], {
    env: { ...process.env, STRATA_BENCH_FAKE_BUNDLE: bundle },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const started = await new Promise((resolve, reject) => {
    let text = '';
    child.once('exit', (code) => reject(new Error(`the fake server exited (${code}) before it listened`)));
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(JSON.parse(text.split('\n')[0]));
    });
  });
  log(`FAKE MongoDB wire server (test/helpers/fake-mongod, NOT a MongoDB) at ${started.uri} (pid ${child.pid})`);
  return {
    fake: true,
    uri: started.uri,
    peakRssMb: () => peakRssMb(child.pid),
    stop: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(bundle, { force: true });
    },
  };
}

/** Connect to the benchmark's server; `stop` ends the fake (a real server is left running). */
export async function openServer({ repo, here, out, uri, standalone, log }) {
  const server = uri ? { fake: false, uri, peakRssMb: () => undefined, stop: async () => undefined } : await startFake(repo, here, out, standalone, log);
  const client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    ...server,
    client,
    stop: async () => {
      await client.close().catch(() => undefined);
      await server.stop();
    },
  };
}
