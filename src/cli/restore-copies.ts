// The walk a restore makes over copies: the chosen backup's copies in tier order (a copy known to be damaged,
// or one that fails its checksum before anything is written, is skipped with the reason), then, only with
// --fallback-older or a yes at a terminal, the next older backup. Any other failure ends the walk: once data
// may have been written, trying another backup would pile restores on top of each other.
import { CopyUnusableError, type RestoreBackupResult } from '../backup/restore-backup.js';
import type { CatalogEntry } from '../model/catalog.js';
import { confirm } from './confirm.js';
import { CliError, EXIT } from './exit-codes.js';
import type { Io } from './io.js';
import type { BackupChoice } from './pick-backup.js';

/** A copy that was not used, and why. */
export interface Skipped {
  backup_id: string;
  tier: string;
  reason: string;
}

export interface CopyUsed {
  choice: BackupChoice;
  entry: CatalogEntry;
  result: RestoreBackupResult;
  skipped: Skipped[];
  /** True when an older backup than the first choice was restored. */
  older: boolean;
}

export interface WalkOptions {
  fallbackOlder?: boolean;
  /** Whether a prompt may be shown (a terminal, and no --json). */
  mayAsk: boolean;
}

/** Moving to an older backup needs --fallback-older, or a yes at a terminal; scripts get an error with a hint. */
async function allowOlder(failed: BackupChoice, next: BackupChoice, skipped: readonly Skipped[], options: WalkOptions, io: Pick<Io, 'err'>): Promise<void> {
  const why = skipped.filter((s) => s.backup_id === failed.id).map((s) => `${s.tier}: ${s.reason}`).join('; ');
  if (options.fallbackOlder) {
    io.err(`No copy of backup ${failed.id} could be used; --fallback-older: trying the next older backup ${next.id} (${next.started_at}).`);
    return;
  }
  if (options.mayAsk && (await confirm(`No copy of backup ${failed.id} could be used (${why}).\n  Restore the older backup ${next.id} (${next.started_at}) instead?`))) return;
  throw new CliError(
    `no copy of backup ${failed.id} could be used, so nothing was restored: ${why}`,
    EXIT.ERROR,
    `pass --fallback-older to restore the next older backup (${next.id}, ${next.started_at}), or choose one with --backup ID (see \`strata ls\`)`,
  );
}

export async function walkCopies(
  choices: readonly BackupChoice[],
  attempt: (entry: CatalogEntry, choice: BackupChoice) => Promise<RestoreBackupResult>,
  options: WalkOptions,
  io: Pick<Io, 'err'>,
): Promise<CopyUsed | { skipped: Skipped[] }> {
  const skipped: Skipped[] = [];
  for (const [index, choice] of choices.entries()) {
    if (index > 0) await allowOlder(choices[index - 1]!, choice, skipped, options, io);
    for (const copy of choice.copies) {
      const skip = (reason: string) => {
        skipped.push({ backup_id: choice.id, tier: copy.tier, reason });
        io.err(`  skipped the copy of backup ${choice.id} on tier ${copy.tier}: ${reason}`);
      };
      if (!copy.entry) {
        skip(copy.skip ?? 'no copy');
        continue;
      }
      try {
        const result = await attempt(copy.entry, choice);
        return { choice, entry: copy.entry, result, skipped, older: index > 0 };
      } catch (error) {
        if (!(error instanceof CopyUnusableError)) throw error;
        skip(`failed its checksum verification (${error.details.join('; ')})`);
      }
    }
  }
  return { skipped };
}
