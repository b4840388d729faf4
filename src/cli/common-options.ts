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
    .option('--policies <paths...>', 'policy files or directories (default: $STRATA_POLICIES, then ./policies)')
    .option('--state-dir <dir>', 'state directory for locks, run history and evidence (default: $STRATA_STATE_DIR)')
    .option('--templates <dir>', 'directory with template overrides');
}

export function addIdentityOption(command: Command): Command {
  return command.option('--identity <file>', 'age identity file for decryption (default: $STRATA_AGE_IDENTITY_FILE)');
}

export function resolveIdentity(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return flag ?? (env.STRATA_AGE_IDENTITY_FILE || undefined);
}
