// The closing lines of apply and run: what failed, notes, and the exit code.
import type { ApplyOutcome } from '../apply/apply-plan.js';
import { describeTarget } from '../plan/describe-action.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';

export function reportOutcome(outcome: ApplyOutcome, io: Io, verb: string): number {
  for (const note of outcome.notes) io.err(`note: ${note}`);
  const failed = outcome.results.filter((r) => r.status === 'failed');
  const done = outcome.results.filter((r) => r.status === 'done').length;
  const skipped = outcome.results.filter((r) => r.status === 'skipped').length;
  for (const f of failed) io.err(`Error: ${f.action.type} ${f.action.system}: ${describeTarget(f.action)} failed: ${f.message ?? 'unknown error'}`);
  const line = `${verb} complete: ${done} done, ${failed.length} failed, ${skipped} skipped.`;
  if (failed.length > 0) {
    io.err(`${verb} failed: ${done} done, ${failed.length} failed, ${skipped} skipped. Nothing that failed was recorded as a backup; fix the errors above and run again.`);
    return EXIT.ERROR;
  }
  io.err(line);
  return EXIT.OK;
}
