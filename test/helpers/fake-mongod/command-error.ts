// A command failure as mongod reports it: { ok: 0, errmsg, code, codeName }. Codes are mongod's
// (src/mongo/base/error_codes.yml), so the driver and Strata react to them as they would to a real server.

export const CODES = {
  BadValue: 2,
  Unauthorized: 13,
  AuthenticationFailed: 18,
  NamespaceNotFound: 26,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  InvalidOptions: 72,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  NotAReplicaSet: 123,
  CommandNotSupportedOnView: 166,
  DuplicateKey: 11000,
  UnknownField: 40415,
  UnrecognizedPipelineStage: 40324,
  InvalidPipelineOperator: 168,
  FailedToParse: 9,
  InvalidNamespace: 73,
} as const;

export type CodeName = keyof typeof CODES;

export class CommandError extends Error {
  constructor(
    readonly codeName: CodeName,
    message: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }

  get code(): number {
    return CODES[this.codeName];
  }
}

/** A loud failure for anything the fake does not implement (so a gap fails instead of hanging). */
export function unsupported(what: string): CommandError {
  return new CommandError('CommandNotFound', `fake-mongod: unsupported ${what}`);
}
