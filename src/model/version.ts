// Recorded in manifests so a restore knows which strata wrote a backup.
export const STRATA_VERSION = '0.1.0';
