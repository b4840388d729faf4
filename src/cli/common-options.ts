// Options every command shares, and how they resolve (flag, then environment, then default).
import type { Command } from 'commander';

export interface CommonOptions {
  policies?: string[];
  stateDir?: string;
  templates?: string;
  identity?: string;
  color?: boolean;
}

export function addCommonOptions(command: Command): Command {
  return command
    // Repeated rather than variadic (terraform's -var-file): a variadic option swallows the positional argument
    // after it, so `strata restore --policies p.yaml documents` would read `documents` as a policy.
    .option('--policies <path>', 'a policy file or directory; repeat for several (default: $STRATA_POLICIES, then ./policies)', collectPaths)
    .option('--state-dir <dir>', 'state directory for locks, run history and evidence (default: $STRATA_STATE_DIR)')
    .option('--templates <dir>', 'directory with template overrides');
}

function collectPaths(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addIdentityOption(command: Command): Command {
  return command.option('--identity <file>', 'age identity file for decryption (default: $STRATA_AGE_IDENTITY_FILE)');
}

export function resolveIdentity(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? (env.STRATA_AGE_IDENTITY_FILE || undefined);
}
