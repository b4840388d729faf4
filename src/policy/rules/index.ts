// Every semantic rule, run on a schema-valid policy.
import type { Diagnostic } from '../diagnostic.js';
import { compressionLevel } from './compression-level.js';
import { copyCadence } from './copy-cadence.js';
import { copyPlacement } from './copy-placement.js';
import { duplicateEntries } from './duplicate-entries.js';
import { incrementalSupport } from './incremental-support.js';
import { redisTls } from './redis-tls.js';
import { retentionSanity } from './retention-sanity.js';
import { rpoCoverage } from './rpo-coverage.js';
import { rtoReadback } from './rto-readback.js';
import { s3Buckets } from './s3-buckets.js';
import { s3Lifecycle } from './s3-lifecycle.js';
import type { Rule, RuleContext } from './rule.js';
import { scheduleDst } from './schedule-dst.js';
import { scheduleSyntax } from './schedule-syntax.js';
import { sourceFilters } from './source-filters.js';
import { tierCapabilities } from './tier-capabilities.js';
import { unknownReferences } from './unknown-references.js';
import { unresolvedReferences } from './unresolved-references.js';
import { unusedDefinitions } from './unused-definitions.js';

export type { MeasuredRestores, RestoreMeasurement, Rule, RuleContext } from './rule.js';

export const RULES: readonly Rule[] = [
  unknownReferences,
  unresolvedReferences,
  duplicateEntries,
  scheduleSyntax,
  rpoCoverage,
  scheduleDst,
  rtoReadback,
  incrementalSupport,
  retentionSanity,
  copyPlacement,
  copyCadence,
  tierCapabilities,
  s3Lifecycle,
  s3Buckets,
  unusedDefinitions,
  compressionLevel,
  sourceFilters,
  redisTls,
];

export function runRules(ctx: RuleContext, rules: readonly Rule[] = RULES): Diagnostic[] {
  return rules.flatMap((rule) => rule(ctx));
}
