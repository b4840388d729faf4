// The FAKE MongoDB wire server (test/helpers/fake-mongod: NOT a MongoDB) in its own process, so that the
// memory of the documents it holds is never counted as Strata's. Prints one JSON line with its URI, then
// serves until it is sent SIGTERM or its stdin closes (the benchmark ended or died).
// Usage: STRATA_BENCH_FAKE_BUNDLE=bundle.mjs node fake-side.mjs [--standalone]
import { pathToFileURL } from 'node:url';

const { startFakeMongod } = await import(pathToFileURL(process.env.STRATA_BENCH_FAKE_BUNDLE).href);
const fake = await startFakeMongod({ replicaSet: !process.argv.includes('--standalone') });
const stop = async () => {
  await fake.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
process.stdout.write(`${JSON.stringify({ uri: fake.uri, pid: process.pid })}\n`);
