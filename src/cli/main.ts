// Entry point: commander wiring, error reporting with hints, exit codes.
import { Command, CommanderError } from 'commander';
import { registerApply } from './commands/apply.js';
import { registerLs } from './commands/ls.js';
import { registerPlan } from './commands/plan.js';
import { registerRender } from './commands/render.js';
import { registerRestore } from './commands/restore.js';
import { registerRun } from './commands/run.js';
import { registerStatus } from './commands/status.js';
import { registerUnlock } from './commands/unlock.js';
import { registerValidate } from './commands/validate.js';
import { CliError, EXIT } from './exit-codes.js';
import { createProcessIo, type Io } from './io.js';
import { STRATA_VERSION } from '../model/version.js';

export function createProgram(io: Io): Command {
  const program = new Command('strata')
    .description('Declarative backup and recovery: policies in git → validate → plan → apply → restore')
    .version(STRATA_VERSION)
    .showHelpAfterError('(run with --help for usage)')
    // Through io, so usage errors reach whoever captures the output (tests, wrappers), like every other error.
    .configureOutput({ writeOut: (text) => io.out(text), writeErr: (text) => io.err(text) })
    .exitOverride();
  for (const register of [registerValidate, registerPlan, registerApply, registerRun, registerLs, registerRestore, registerStatus, registerRender, registerUnlock]) {
    register(program, io);
  }
  return program;
}

export async function main(argv: string[], io: Io = createProcessIo()): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync(argv);
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.OK : EXIT.ERROR;
    }
    if (error instanceof CliError) {
      io.err(`Error: ${error.message}`);
      if (error.hint) io.err(`  hint: ${error.hint}`);
      return error.exitCode;
    }
    const err = error as Error;
    io.err(`Error: ${err.message}`);
    if ((err as { hint?: string }).hint) io.err(`  hint: ${(err as { hint?: string }).hint}`);
    if (process.env.STRATA_DEBUG) io.err(err.stack ?? '');
    return EXIT.ERROR;
  }
}
