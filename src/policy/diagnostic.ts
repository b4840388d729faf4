// A validation finding tied to an exact place in a policy file (1-based line and column).
export interface Diagnostic {
  severity: 'error' | 'warning';
  /** Stable code, e.g. `rpo-breach`; tests and the github format use it. */
  code: string;
  message: string;
  /** What to do about it. */
  hint?: string;
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
  /** JSON pointer of the offending value, e.g. `/categories/critical/rpo`. */
  path?: string;
}

export function countDiagnostics(diags: Diagnostic[]): { errors: number; warnings: number } {
  let errors = 0;
  let warnings = 0;
  for (const d of diags) {
    if (d.severity === 'error') errors++;
    else warnings++;
  }
  return { errors, warnings };
}

/** File, then position, then code: a stable order for every output format. */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      a.line - b.line ||
      a.col - b.col ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1) ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) ||
      (a.message < b.message ? -1 : a.message > b.message ? 1 : 0),
  );
}

export function toJsonPointer(path: readonly (string | number)[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function fromJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}
