// Diagnostics for people (text, terraform-like with a code frame), machines (json) and GitHub Actions
// (workflow commands that become annotations on the PR diff).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { countDiagnostics, sortDiagnostics, type Diagnostic } from './diagnostic.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';

export interface FormatOptions {
  color?: boolean;
  /** Source text of a file for code frames; defaults to reading it from disk. */
  readSource?: (file: string) => string | undefined;
  /** Files are shown relative to this directory (default: process.cwd()). */
  cwd?: string;
  /** Number of policy files checked, for the "all valid" summary. */
  fileCount?: number;
}

export const DIAGNOSTICS_FORMAT_VERSION = 1;

export function formatDiagnostics(diags: Diagnostic[], format: DiagnosticFormat, opts: FormatOptions = {}): string {
  const sorted = sortDiagnostics(diags);
  const cwd = opts.cwd ?? process.cwd();
  const rel = (file: string): string => relativeFile(file, cwd);
  switch (format) {
    case 'json':
      return formatJson(sorted, rel);
    case 'github':
      return formatGithub(sorted, rel, opts);
    default:
      return formatText(sorted, rel, opts);
  }
}

function relativeFile(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return file.split(path.sep).join('/');
  const r = path.relative(cwd, file);
  return (r === '' || r.startsWith('..') || path.isAbsolute(r) ? file : r).split(path.sep).join('/');
}

export function summaryLine(diags: Diagnostic[], fileCount?: number): string {
  const { errors, warnings } = countDiagnostics(diags);
  if (errors === 0 && warnings === 0) {
    if (fileCount === undefined) return 'No problems found.';
    return fileCount === 1 ? 'The policy file is valid.' : `All ${fileCount} policy files are valid.`;
  }
  const e = `${errors} error${errors === 1 ? '' : 's'}`;
  const w = `${warnings} warning${warnings === 1 ? '' : 's'}`;
  return `${e}, ${w}.`;
}

// --- text -------------------------------------------------------------------------------------------

const ANSI = { red: '\x1b[31m', yellow: '\x1b[33m', cyan: '\x1b[36m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };

function defaultReadSource(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function formatText(diags: Diagnostic[], rel: (f: string) => string, opts: FormatOptions): string {
  const paint = (code: keyof typeof ANSI, s: string): string => (opts.color ? `${ANSI[code]}${s}${ANSI.reset}` : s);
  const read = opts.readSource ?? defaultReadSource;
  const sources = new Map<string, string[] | undefined>();
  const linesOf = (file: string): string[] | undefined => {
    if (!sources.has(file)) sources.set(file, read(file)?.split(/\r?\n/));
    return sources.get(file);
  };
  const blocks: string[] = [];
  for (const d of diags) {
    const head = d.severity === 'error' ? paint('red', paint('bold', 'Error:')) : paint('yellow', paint('bold', 'Warning:'));
    // FILE:LINE:COL, the form editors, terminals and CI logs turn into a link to the exact place.
    const out = [`${head} ${paint('bold', d.message)}`, '', `  on ${rel(d.file)}:${d.line}:${d.col} (${d.code}):`];
    const frame = codeFrame(linesOf(d.file), d, paint);
    if (frame.length) out.push(...frame);
    if (d.hint) out.push('', `  ${paint('cyan', 'hint:')} ${d.hint}`);
    blocks.push(out.join('\n'));
  }
  blocks.push(summaryLine(diags, opts.fileCount));
  return blocks.join('\n\n') + '\n';
}

/** Up to two lines of context before the line, the line itself with a caret underline, one line after. */
function codeFrame(lines: string[] | undefined, d: Diagnostic, paint: (c: keyof typeof ANSI, s: string) => string): string[] {
  if (!lines || d.line < 1 || d.line > lines.length) return [];
  const first = Math.max(1, d.line - 2);
  const last = Math.min(lines.length, d.line + 1);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? '').replace(/\t/g, ' ');
    if (n === last && n !== d.line && text.trim() === '') continue;
    const marker = n === d.line ? '>' : ' ';
    out.push(`  ${marker} ${paint('dim', String(n).padStart(width))} | ${text}`);
    if (n === d.line) {
      const endCol = d.endLine === undefined || d.endLine === d.line ? (d.endCol ?? d.col + 1) : text.length + 1;
      const len = Math.max(1, Math.min(endCol, text.length + 1) - d.col);
      const underline = ' '.repeat(Math.max(0, d.col - 1)) + '^'.repeat(len);
      out.push(`    ${' '.repeat(width)} | ${paint(d.severity === 'error' ? 'red' : 'yellow', underline)}`);
    }
  }
  return out;
}

// --- json -------------------------------------------------------------------------------------------

function formatJson(diags: Diagnostic[], rel: (f: string) => string): string {
  const { errors, warnings } = countDiagnostics(diags);
  const doc = {
    format_version: DIAGNOSTICS_FORMAT_VERSION,
    valid: errors === 0,
    error_count: errors,
    warning_count: warnings,
    diagnostics: diags.map((d) => {
      const o: Record<string, unknown> = { severity: d.severity, code: d.code, message: d.message };
      if (d.hint !== undefined) o.hint = d.hint;
      o.file = rel(d.file);
      o.line = d.line;
      o.col = d.col;
      if (d.endLine !== undefined) o.end_line = d.endLine;
      if (d.endCol !== undefined) o.end_col = d.endCol;
      if (d.path !== undefined) o.path = d.path;
      return o;
    }),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

// --- github -----------------------------------------------------------------------------------------

/** Escaping of workflow-command data (the message). */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escaping of workflow-command properties (file, title, …). */
export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function formatGithub(diags: Diagnostic[], rel: (f: string) => string, opts: FormatOptions): string {
  const lines = diags.map((d) => {
    const props = [`file=${escapeGithubProperty(rel(d.file))}`, `line=${d.line}`, `col=${d.col}`];
    if (d.endLine !== undefined) props.push(`endLine=${d.endLine}`);
    if (d.endCol !== undefined && (d.endLine === undefined || d.endLine === d.line)) props.push(`endColumn=${d.endCol}`);
    props.push(`title=${escapeGithubProperty(d.code)}`);
    const text = d.hint ? `${d.message} (${d.hint})` : d.message;
    return `::${d.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeGithubData(text)}`;
  });
  lines.push(summaryLine(diags, opts.fileCount));
  return lines.join('\n') + '\n';
}
