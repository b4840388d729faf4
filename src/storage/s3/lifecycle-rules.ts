// Lifecycle rules in Strata's own terms (pure): what a tier's `lifecycle` block asks for, how S3's rules
// read back, and how two rules differ. Strata owns only rules whose ID starts with `strata-`.
import type { LifecycleRule } from '@aws-sdk/client-s3';
import type { Lifecycle } from '../../generated/policy.js';

export const RULE_ID_PREFIX = 'strata-';
/** Transitions apply to artifacts only (tagged at upload), so manifests stay readable for every scan. */
export const ARTIFACT_TAG = { key: 'strata-role', value: 'artifact' } as const;
export const DEFAULT_ABORT_INCOMPLETE_DAYS = 1;

export interface LifecycleTransitionSpec {
  days: number;
  storageClass: string;
}

export interface LifecycleRuleSpec {
  id: string;
  /** Key prefix the rule applies to; '' is the whole bucket. */
  prefix: string;
  /** Only objects carrying this tag. */
  tag?: { key: string; value: string };
  enabled: boolean;
  transitions: LifecycleTransitionSpec[];
  expireDays?: number;
  noncurrentExpireDays?: number;
  abortIncompleteDays?: number;
  /** Parts of a rule Strata does not model (dates, size filters, noncurrent transitions …), described. */
  other?: string[];
}

export function isStrataRuleId(id: string): boolean {
  return id.startsWith(RULE_ID_PREFIX);
}

/** IDs of the rules a tier with this prefix owns: one for expiry and clean-up, one for transitions. */
export function ruleIdsFor(prefix: string): { main: string; transitions: string } {
  const slug = prefix === '' ? 'bucket' : prefix.replace(/\/+$/, '');
  const main = `${RULE_ID_PREFIX}${slug}`;
  return { main, transitions: `${main} (transitions)` };
}

/** The rules a tier wants: always the main rule (abort incomplete uploads), plus transitions if any. */
export function desiredLifecycleRules(prefix: string, lifecycle: Lifecycle | undefined): LifecycleRuleSpec[] {
  const ids = ruleIdsFor(prefix);
  const main: LifecycleRuleSpec = {
    id: ids.main,
    prefix,
    enabled: true,
    transitions: [],
    abortIncompleteDays: lifecycle?.abort_incomplete_multipart_days ?? DEFAULT_ABORT_INCOMPLETE_DAYS,
  };
  if (lifecycle?.expire_days !== undefined) main.expireDays = lifecycle.expire_days;
  if (lifecycle?.noncurrent_expire_days !== undefined) main.noncurrentExpireDays = lifecycle.noncurrent_expire_days;
  const rules = [main];
  const transitions = [...(lifecycle?.transitions ?? [])].sort((a, b) => a.days - b.days);
  if (transitions.length > 0) {
    rules.push({
      id: ids.transitions,
      prefix,
      tag: { ...ARTIFACT_TAG },
      enabled: true,
      transitions: transitions.map((t) => ({ days: t.days, storageClass: t.storage_class })),
    });
  }
  return rules;
}

/** An S3 rule as read back (GET answers vary: Filter.Prefix, Filter.And, Filter.Tag, legacy Prefix). */
export function ruleFromSdk(rule: LifecycleRule): LifecycleRuleSpec {
  const filter = rule.Filter;
  const and = filter?.And;
  const tags = and?.Tags ?? (filter?.Tag ? [filter.Tag] : []);
  const other: string[] = [];
  const spec: LifecycleRuleSpec = {
    id: rule.ID ?? '',
    prefix: and?.Prefix ?? filter?.Prefix ?? rule.Prefix ?? '',
    enabled: rule.Status === 'Enabled',
    transitions: (rule.Transitions ?? [])
      .filter((t) => t.Days !== undefined)
      .map((t) => ({ days: t.Days ?? 0, storageClass: String(t.StorageClass ?? '') }))
      .sort((a, b) => a.days - b.days),
  };
  if (tags.length === 1 && tags[0]?.Key !== undefined) spec.tag = { key: tags[0].Key, value: tags[0].Value ?? '' };
  if (tags.length > 1) other.push(`${tags.length} tag filters`);
  if (rule.Expiration?.Days !== undefined) spec.expireDays = rule.Expiration.Days;
  if (rule.Expiration?.Date !== undefined) other.push(`expires on ${rule.Expiration.Date.toISOString().slice(0, 10)}`);
  if (rule.Expiration?.ExpiredObjectDeleteMarker) other.push('removes expired delete markers');
  if (rule.NoncurrentVersionExpiration?.NoncurrentDays !== undefined) spec.noncurrentExpireDays = rule.NoncurrentVersionExpiration.NoncurrentDays;
  if (rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined) spec.abortIncompleteDays = rule.AbortIncompleteMultipartUpload.DaysAfterInitiation;
  if ((rule.NoncurrentVersionTransitions ?? []).length > 0) other.push('noncurrent-version transitions');
  if ((rule.Transitions ?? []).some((t) => t.Date !== undefined)) other.push('transitions on dates');
  const size = and?.ObjectSizeGreaterThan ?? filter?.ObjectSizeGreaterThan;
  if (size !== undefined) other.push(`objects over ${size} bytes`);
  if (other.length > 0) spec.other = other;
  return spec;
}

/** The S3 form of one of Strata's rules. */
export function ruleToSdk(spec: LifecycleRuleSpec): LifecycleRule {
  const rule: LifecycleRule = {
    ID: spec.id,
    Status: spec.enabled ? 'Enabled' : 'Disabled',
    Filter: spec.tag ? { And: { Prefix: spec.prefix, Tags: [{ Key: spec.tag.key, Value: spec.tag.value }] } } : { Prefix: spec.prefix },
  };
  if (spec.transitions.length > 0) {
    rule.Transitions = spec.transitions.map((t) => ({ Days: t.days, StorageClass: t.storageClass as NonNullable<LifecycleRule['Transitions']>[number]['StorageClass'] }));
  }
  if (spec.expireDays !== undefined) rule.Expiration = { Days: spec.expireDays };
  if (spec.noncurrentExpireDays !== undefined) rule.NoncurrentVersionExpiration = { NoncurrentDays: spec.noncurrentExpireDays };
  if (spec.abortIncompleteDays !== undefined) rule.AbortIncompleteMultipartUpload = { DaysAfterInitiation: spec.abortIncompleteDays };
  return rule;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line per thing the rule does, for plans. */
export function describeRule(spec: LifecycleRuleSpec): string[] {
  const scope = `${spec.prefix === '' ? 'whole bucket' : `prefix ${spec.prefix}`}${spec.tag ? `, tag ${spec.tag.key}=${spec.tag.value}` : ''}`;
  const lines = [`rule ${spec.id} (${scope})${spec.enabled ? '' : ' [disabled]'}`];
  for (const t of spec.transitions) lines.push(`  move to ${t.storageClass} after ${plural(t.days, 'day')}`);
  if (spec.expireDays !== undefined) lines.push(`  delete after ${plural(spec.expireDays, 'day')}`);
  if (spec.noncurrentExpireDays !== undefined) lines.push(`  delete noncurrent versions after ${plural(spec.noncurrentExpireDays, 'day')}`);
  if (spec.abortIncompleteDays !== undefined) lines.push(`  abort incomplete multipart uploads after ${plural(spec.abortIncompleteDays, 'day')}`);
  for (const o of spec.other ?? []) lines.push(`  ${o}`);
  return lines;
}

function transitionsText(spec: LifecycleRuleSpec): string {
  return spec.transitions.length === 0 ? 'none' : spec.transitions.map((t) => `${t.storageClass} after ${t.days}d`).join(', ');
}

function daysText(days: number | undefined): string {
  return days === undefined ? 'never' : plural(days, 'day');
}

/** What differs between an observed and a desired rule, one line each; empty when they match. */
export function ruleDifferences(observed: LifecycleRuleSpec, desired: LifecycleRuleSpec): string[] {
  const out: string[] = [];
  if (observed.prefix !== desired.prefix) out.push(`prefix: ${observed.prefix || '(whole bucket)'} → ${desired.prefix || '(whole bucket)'}`);
  const tag = (s: LifecycleRuleSpec) => (s.tag ? `${s.tag.key}=${s.tag.value}` : 'none');
  if (tag(observed) !== tag(desired)) out.push(`tag filter: ${tag(observed)} → ${tag(desired)}`);
  if (observed.enabled !== desired.enabled) out.push(`status: ${observed.enabled ? 'enabled' : 'disabled'} → ${desired.enabled ? 'enabled' : 'disabled'}`);
  if (transitionsText(observed) !== transitionsText(desired)) out.push(`transitions: ${transitionsText(observed)} → ${transitionsText(desired)}`);
  if (observed.expireDays !== desired.expireDays) out.push(`delete after: ${daysText(observed.expireDays)} → ${daysText(desired.expireDays)}`);
  if (observed.noncurrentExpireDays !== desired.noncurrentExpireDays) {
    out.push(`delete noncurrent versions after: ${daysText(observed.noncurrentExpireDays)} → ${daysText(desired.noncurrentExpireDays)}`);
  }
  if (observed.abortIncompleteDays !== desired.abortIncompleteDays) {
    out.push(`abort incomplete uploads after: ${daysText(observed.abortIncompleteDays)} → ${daysText(desired.abortIncompleteDays)}`);
  }
  if ((observed.other ?? []).length > 0) out.push(`drop settings Strata does not manage: ${(observed.other ?? []).join(', ')}`);
  return out;
}
