// Exit codes scripts can trust. 75 is sysexits' EX_TEMPFAIL: a scheduled run that found the lock held.
import { STATUS_EXIT } from '../status/status-exit.js';

export const EXIT = {
  OK: 0,
  ERROR: 1,
  CHANGES: 2,
  STALE_PLAN: 3,
  /** ls, status: a backup cannot be trusted (damaged, or its last verification failed). */
  UNTRUSTED: STATUS_EXIT.UNTRUSTED,
  /** status: the measured restore time exceeds the RTO. */
  RTO_EXCEEDED: STATUS_EXIT.RTO_EXCEEDED,
  LOCKED: 75,
} as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.ERROR,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
