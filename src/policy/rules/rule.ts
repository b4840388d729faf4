// A semantic rule: a pure function from a schema-valid policy (with source positions) to diagnostics.
import type { StrataPolicy } from '../../generated/policy.js';
import type { ResolvedPolicy } from '../../model/policy-model.js';
import { toJsonPointer, type Diagnostic } from '../diagnostic.js';
import type { Locate, Target } from '../yaml-source.js';

/** A restore that was measured (a passed restore test or drill), as validate's CLI reads it from the state dir. */
export interface RestoreMeasurement {
  /** Raw bytes restored. */
  bytes: number;
  durationMs: number;
  /** Tier the backup was restored from. */
  tier?: string;
  /** ISO time of the measurement. */
  at: string;
}

/** The newest measured restore of a category, if any. */
export type MeasuredRestores = (system: string, category: string) => RestoreMeasurement | undefined;

export interface RuleContext {
  /** Absolute path of the policy file. */
  file: string;
  /** The policy as written (schema-valid). */
  raw: StrataPolicy;
  /** The policy with defaults applied and paths resolved. */
  policy: ResolvedPolicy;
  locate: Locate;
  /** Measured restore times, when a state dir holds them; validate works without (PR CI has no state). */
  measuredRestores?: MeasuredRestores;
}

export type Rule = (ctx: RuleContext) => Diagnostic[];

export interface Finding {
  severity?: 'error' | 'warning';
  code: string;
  path: (string | number)[];
  target?: Target;
  message: string;
  hint?: string;
}

export function report(ctx: RuleContext, f: Finding): Diagnostic {
  const pos = ctx.locate(f.path, f.target ?? 'value');
  const d: Diagnostic = {
    severity: f.severity ?? 'error',
    code: f.code,
    message: f.message,
    file: ctx.file,
    ...pos,
    path: toJsonPointer(f.path),
  };
  if (f.hint !== undefined) d.hint = f.hint;
  return d;
}

/** Categories in file order (diagnostics read top to bottom). */
export function categoryEntries(ctx: RuleContext): [string, StrataPolicy['categories'][string]][] {
  return Object.entries(ctx.raw.categories);
}
