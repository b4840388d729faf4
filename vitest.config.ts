import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most integration tests wait on servers and child processes rather than compute, so more files than cores
    // run at once (vitest's default is one fewer worker than cores: a single worker on a 2-core CI machine).
    maxWorkers: 4,
    globalSetup: ['./test/global/mongodb-memory-server.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
