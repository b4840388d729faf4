// Quoting for the two places rendered commands are parsed: systemd unit files and /bin/sh (cron).

/** Values with control characters (a newline above all) would break a unit file or a cron line. */
function assertSingleLine(value: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`${what} contains a control character: ${JSON.stringify(value)}`);
}

/** A plain unit-file value (Description=, EnvironmentFile=, User=): `%` starts a specifier, so double it. */
export function escapeSystemdValue(value: string, what = 'unit file value'): string {
  assertSingleLine(value, what);
  return value.replace(/%/g, '%%');
}

/**
 * One ExecStart= word: `%` specifiers escaped, quotes only when needed. systemd expands `$VAR` in the
 * arguments but not in the executable path, so `$` is doubled in arguments only.
 */
export function quoteSystemdArg(arg: string, position: 'executable' | 'argument' = 'argument'): string {
  assertSingleLine(arg, 'ExecStart argument');
  const specifiersEscaped = arg.replace(/%/g, '%%');
  const escaped = position === 'argument' ? specifiersEscaped.replace(/\$/g, '$$$$') : specifiersEscaped;
  if (escaped !== '' && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** One /bin/sh word: bare when it is plainly safe, else single-quoted. */
export function quoteShellArg(arg: string): string {
  assertSingleLine(arg, 'command argument');
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** cron turns an unescaped `%` in the command into a newline; escape it after shell quoting. */
export function escapeCronCommand(command: string): string {
  return command.replace(/%/g, '\\%');
}
