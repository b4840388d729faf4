// The CLI in a child process, for tests that SIGKILL a run midway.
// Usage: node --import tsx test/helpers/cli-child.ts <strata args…>
import { main } from '../../src/cli/main.js';

process.exitCode = await main(['node', 'strata', ...process.argv.slice(2)]);
