// Exit codes scripts can trust. 75 is sysexits' EX_TEMPFAIL: a scheduled run that found the lock held.
export const EXIT = {
  OK: 0,
  ERROR: 1,
  CHANGES: 2,
  STALE_PLAN: 3,
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
