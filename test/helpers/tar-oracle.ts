// Back a tree up with Strata (runBackup: tar → zstd → age, as in production), then check the artifact
// with tools nobody on this project wrote: decode it with `age -d | zstd -d`, run GNU `tar --compare`
// against the original tree, list it with `bsdtar -tvf` and extract it with `bsdtar -xpf`; and restore it
// with Strata. Both extractions are compared with the original exactly (exact-tree.ts). This checks what
// the archive and the restore do, not how: the same checks hold for any tar writer or reader.
import { join } from 'node:path';
import { restoreBackup } from '../../src/backup/restore-backup.js';
import { runBackup } from '../../src/backup/run-backup.js';
import { runCommand } from '../../src/exec/exec.js';
import type { Manifest } from '../../src/model/manifest.js';
import { scanTier } from '../../src/observe/scan-tier.js';
import { generateAgeKey } from './age-key.js';
import { diffExact, snapshotExact, type ExactNode } from './exact-tree.js';
import { filesFixture, identity } from './files-policy.js';

export interface OracleResult {
  manifest: Manifest;
  /** Warnings the backup and the restore printed. */
  warnings: string[];
  /** The decoded (plain) tar file. */
  tarFile: string;
  gnuCompare: { exit: number; lines: string[] };
  bsdtarList: string;
  original: ExactNode[];
  /** Differences of bsdtar's extraction, and the libarchive readings that were tolerated (see below). */
  bsdtarDiff: string[];
  bsdtarTolerated: string[];
  bsdtar: ExactNode[];
  strataDiff: string[];
  strata: ExactNode[];
}

/** GNU tar 1.34 ignores POSIX's hdrcharset keyword (which marks a name that is not UTF-8) with this warning. */
const HDRCHARSET_WARNING = /^tar: Ignoring unknown extended header keyword 'hdrcharset'$/;

/**
 * libarchive 3.6 reads a pax time of `-999.75` (0.75 s before -999 s, as POSIX and GNU tar mean it) as
 * -999 s + 0.75 s: its reading of a negative fractional time is off by the fraction twice (libarchive
 * writes the same instant as `-1000.25`, which GNU tar reads as -1000.25 s). No encoding satisfies both;
 * Strata follows the standard and GNU tar. This is the value libarchive 3.6 gets.
 */
export function libarchiveNegativeReading(ns: bigint): bigint {
  const abs = -ns;
  return -(abs / 1_000_000_000n) * 1_000_000_000n + (abs % 1_000_000_000n);
}

export async function checkWithTarTools(work: string, root: string): Promise<OracleResult> {
  const key = await generateAgeKey(work, 'oracle-key.txt');
  const fixture = filesFixture({ storageRoot: join(work, 'storage'), paths: [root], recipients: [key.recipient], compression: 'zstd' });
  const warnings: string[] = [];
  const onWarning = (message: string): void => void warnings.push(message);
  const original = snapshotExact(root);
  const result = await runBackup({ ...fixture, resolveSecret: identity, onWarning });
  const artifact = join(fixture.roots.hot!, result.dir, result.manifest.artifact);

  const tarFile = join(work, 'decoded.tar');
  await runCommand('bash', ['-o', 'pipefail', '-c', 'age -d -i "$1" "$2" | zstd -d -q > "$3"', 'decode', key.identityFile, artifact, tarFile]);

  const compare = await runCommand('bash', ['-c', 'tar --compare -f "$1" -C / 2>&1; echo "exit=$?"', 'compare', tarFile]);
  const lines = compare.stdout.trim().split('\n');
  const exit = Number(lines.pop()!.replace('exit=', ''));
  const gnuCompare = { exit, lines: lines.filter((l) => l !== '' && !HDRCHARSET_WARNING.test(l)) };

  const list = await runCommand('bsdtar', ['-tvf', tarFile]);
  if (list.stderr.trim() !== '') throw new Error(`bsdtar -tvf warned: ${list.stderr}`);
  const bsdDir = join(work, 'b');
  await runCommand('mkdir', ['-p', bsdDir]);
  const extract = await runCommand('bsdtar', ['-xpf', tarFile, '-C', bsdDir]);
  if (extract.stderr.trim() !== '') throw new Error(`bsdtar -xpf warned: ${extract.stderr}`);
  const bsdtar = snapshotExact(join(bsdDir, root.slice(1)));
  const bsdtarTolerated: string[] = [];
  const bsdtarDiff = diffExact(original, bsdtar, {
    ignore: (node, key, actual) => {
      const tolerated = key === 'mtimeNs' && node.mtimeNs < 0n && node.mtimeNs % 1_000_000_000n !== 0n && actual.mtimeNs === libarchiveNegativeReading(node.mtimeNs);
      if (tolerated) bsdtarTolerated.push(node.name);
      return tolerated;
    },
  });

  const storage = fixture.storages.get('hot')!;
  const scan = await scanTier(storage, 'hot', `${fixture.policy.system}/`);
  const strataDir = join(work, 'r');
  await restoreBackup({ entry: scan.entries[0]!, storage, policy: fixture.policy, target: strataDir, identityFile: key.identityFile, resolveSecret: identity, onWarning });
  const strata = snapshotExact(join(strataDir, root.slice(1)));
  return {
    manifest: result.manifest,
    warnings,
    tarFile,
    gnuCompare,
    bsdtarList: list.stdout,
    original,
    bsdtarDiff,
    bsdtarTolerated,
    bsdtar,
    strataDiff: diffExact(original, strata),
    strata,
  };
}
