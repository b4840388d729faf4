// Explanations for the errors a RESTORE commonly meets.
export function explainRestoreError(message: string): string {
  if (/payload version or checksum/i.test(message)) {
    return `${message} (the target runs an older Redis than the one the backup came from: DUMP payloads only load into the same or a newer version)`;
  }
  if (/BUSYKEY/.test(message)) return `${message} (the key exists on the target)`;
  return message;
}
