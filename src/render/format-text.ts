// Small, deterministic text formatting for rendered Markdown.

/** A Markdown table cell: pipes escaped, line breaks flattened. */
export function mdCell(text: string | undefined): string {
  return (text ?? '').replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** Decimal sizes, as disks and transfer rates are quoted: 3.25 GB, 4.31 MB. */
export function formatSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${units[unit]}`;
}

/** `2026-11-19T04:12:00.000Z` → `2026-11-19 04:12 UTC`; anything unparsable is shown as written. */
export function formatInstant(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const SINGLE_ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;
const SINGLE_FILE_REF = /^\$\{file:([^}]+)\}$/;

/**
 * A shell expression for a policy value that is exactly one secret reference (`${env:X}` → `"$X"`,
 * `${file:P}` → `"$(cat P)"`), so commands stay copy-pasteable while the shell, not Strata, resolves it.
 * Anything else returns undefined: a literal value may embed credentials and is never printed.
 */
export function shellReference(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const env = SINGLE_ENV_REF.exec(value);
  if (env) return `"$${env[1]}"`;
  const file = SINGLE_FILE_REF.exec(value);
  if (file) return `"$(cat '${(file[1] ?? '').replace(/'/g, `'\\''`)}')"`;
  return undefined;
}
