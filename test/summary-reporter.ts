// Prints one plain closing line ("tests: N passed, N failed, N skipped") that any CI log reader understands,
// after vitest's own summary. A run that executed no test says so and fails.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    // A failing beforeAll leaves its tests "skipped" while the file failed: count such files, or a broken
    // suite would read as "0 failed".
    let brokenFiles = 0;
    for (const module of testModules) {
      if (module.state() === 'failed' && ![...module.children.allTests()].some((t) => t.result().state === 'failed')) brokenFiles += 1;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failed += 1;
        else skipped += 1;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped${brokenFiles ? `, ${brokenFiles} files failed outside any test (a hook or an import)` : ''}\n`);
    if (passed + failed === 0) {
      process.stdout.write('no test was executed\n');
      process.exitCode = 1;
    }
  }
}
