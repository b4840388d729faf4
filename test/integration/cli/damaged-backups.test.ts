// Issue 8: "0 of 16 tamperings were reported". A backup whose manifest exists but whose artifact is missing,
// short, unreadable or does not match the manifest is a damaged backup. For each of 16 tamperings (truncate,
// delete, corrupt bytes, manifest that does not match the artifact × a local and an S3 tier × first and second
// tier), through the CLI against a real radosgw: restore falls back to the other tier's copy and says why,
// `ls`, `run --job verify --now`, `status` (JSON, metrics, exit code 4) and `plan` report it with id, tier and
// what is wrong; nothing cleans it up as debris; and apply copies the good copy over it.
import { describeTamperings } from '../../helpers/damaged-backup-cases.js';

// Damage the scan sees (the artifact is short or gone); the other half is in damaged-backups-content.test.ts.
describeTamperings(['truncate', 'delete']);
