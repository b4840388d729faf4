// The example policies are documentation that must stay true: each validates against the schema and keeps the
// promises the brief makes for them (RPO met by the schedule, no literal credentials, a second tier, …).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Cron } from 'croner';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPolicies, type PolicySet } from '../../../src/policy/load-policies.js';
import { durationMs, expectedExamples, listExampleFiles, policiesDir, readExamples, repoRoot } from './example-policies.js';

const schema = JSON.parse(readFileSync(join(repoRoot, 'schema/strata.schema.json'), 'utf8')) as object;
const validateSchema = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const examples = readExamples();

/** Longest gap between consecutive runs over `days` days (UTC), walking every run. */
function longestGapMs(pattern: string, timezone: string, days: number): number {
  const from = new Date('2026-01-05T00:00:00Z'); // a Monday
  const until = from.getTime() + days * 86_400_000;
  const cron = new Cron(pattern, { timezone, paused: true });
  let prev = cron.nextRun(from);
  let longest = 0;
  while (prev && prev.getTime() < until) {
    const next = cron.nextRun(prev);
    if (!next) break;
    longest = Math.max(longest, next.getTime() - prev.getTime());
    prev = next;
  }
  return longest;
}

let loaded: PolicySet;
beforeAll(async () => {
  loaded = await loadPolicies([policiesDir]);
  // Warnings are allowed, but stay visible in the test output.
  for (const d of loaded.diagnostics.filter((x) => x.severity === 'warning')) {
    console.warn(`example policy warning: ${d.file}:${d.line}:${d.col} ${d.code}: ${d.message}`);
  }
});

describe('example policies', () => {
  it('has one example per seed document plus the demo', () => {
    expect(listExampleFiles()).toEqual(expectedExamples);
  });

  it('all load through strata validate (loadPolicies) with zero errors', () => {
    const errors = loaded.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.file}:${d.line}:${d.col} ${d.code}: ${d.message}`);
    expect(errors).toEqual([]);
    expect(loaded.files.map((f) => f.slice(policiesDir.length + 1))).toEqual(expectedExamples);
    expect(loaded.policies.map((p) => `${p.system}.yaml`).sort()).toEqual(expectedExamples);
  });

  it('render identically on every machine: installed schedules use a fixed policy path', () => {
    for (const p of loaded.policies) {
      if (p.scheduler.type === 'none') continue;
      expect(p.scheduler.policyPath, p.system).toBe('/etc/strata/policies');
    }
  });

  it('resolve the demo\'s relative paths against the policy file', () => {
    const demo = loaded.policies.find((p) => p.system === 'demo');
    const sample = demo?.sources.sample;
    expect(sample?.type === 'files' ? sample.paths : []).toEqual([join(repoRoot, 'demo/data')]);
    expect(demo?.renderDir).toBe(join(repoRoot, '.strata-demo/runbooks'));
  });

  describe.each(examples)('$name', ({ name, text, policy }) => {
    it('validates against schema/strata.schema.json (raw ajv, independent of the loader)', () => {
      const ok = validateSchema(policy);
      expect(validateSchema.errors ?? [], JSON.stringify(validateSchema.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    });

    it('opens with a header comment naming its origin', () => {
      expect(text.startsWith('# ')).toBe(true);
      if (name !== 'demo.yaml') expect(text).toMatch(/^# Seed: \.\.\/shared\/seeds\/\d{3}_[0-9a-f]+\.txt/m);
    });

    it('names its system after its file', () => {
      expect(`${policy.system}.yaml`).toBe(name);
    });

    it('keeps credentials out of the file: every URL/URI is an ${env:…} reference', () => {
      for (const [sourceName, source] of Object.entries(policy.sources)) {
        const secret = source.type === 'mongodb' ? source.uri : source.type === 'files' ? undefined : source.url;
        if (secret !== undefined) expect(secret, sourceName).toMatch(/^\$\{env:[A-Z][A-Z0-9_]*\}$/);
      }
      expect(text).not.toMatch(/[a-z+]+:\/\/[^\s/:@]+:[^\s/@]+@/i); // user:password@host
    });

    it('schedules only full backups, often enough for every RPO', () => {
      for (const [categoryName, category] of Object.entries(policy.categories)) {
        expect(category.schedule.incremental, categoryName).toBeUndefined();
        const gap = longestGapMs(category.schedule.full, category.schedule.timezone ?? 'UTC', 8);
        expect(gap, `${categoryName}: gap ${gap / 60_000}m vs rpo ${category.rpo}`).toBeGreaterThan(0);
        expect(gap, `${categoryName}: gap ${gap / 60_000}m vs rpo ${category.rpo}`).toBeLessThanOrEqual(durationMs(category.rpo));
      }
    });

    it('keeps a copy of every category on a second tier, at least one off-host', () => {
      for (const [categoryName, category] of Object.entries(policy.categories)) {
        const tiers = category.copies.map((c) => c.tier);
        expect(new Set(tiers).size, categoryName).toBe(tiers.length);
        expect(tiers.length, categoryName).toBeGreaterThanOrEqual(2);
        const offHost = tiers.some((t) => {
          const tier = policy.tiers[t];
          return tier !== undefined && (tier.offsite ?? tier.storage.type === 's3');
        });
        expect(offHost, categoryName).toBe(true);
        for (const copy of category.copies) {
          expect(policy.tiers[copy.tier], `${categoryName} → ${copy.tier}`).toBeDefined();
          expect(Object.values(copy.keep).some((n) => (n ?? 0) > 0), `${categoryName} → ${copy.tier} keeps nothing`).toBe(true);
        }
        for (const ref of category.data) expect(policy.sources[ref.source], `${categoryName} → ${ref.source}`).toBeDefined();
      }
    });

    it('uses storage_class and immutable only on S3 tiers', () => {
      for (const [tierName, tier] of Object.entries(policy.tiers)) {
        if (tier.storage.type !== 's3') {
          expect(tier.storage_class, tierName).toBeUndefined();
          expect(tier.immutable, tierName).toBeUndefined();
        }
      }
    });

    it('never lets an object lock outlive the shortest retention of its tier', () => {
      // With one full backup per schedule run, `daily: N` (on a daily schedule) keeps every backup N days; an object
      // lock longer than what retention guarantees would make prunes fail.
      for (const [tierName, tier] of Object.entries(policy.tiers)) {
        if (!tier.immutable) continue;
        for (const [categoryName, category] of Object.entries(policy.categories)) {
          const copy = category.copies.find((c) => c.tier === tierName);
          if (!copy) continue;
          expect(category.schedule.full, `${categoryName} on locked tier ${tierName}`).toMatch(/^\d+ \d+ \* \* \*$/);
          expect(copy.keep.daily ?? 0, `${categoryName} on locked tier ${tierName}`).toBeGreaterThanOrEqual(tier.immutable.days);
        }
      }
    });

    it('encrypts with real age recipients (the demo with none)', () => {
      const recipients = policy.defaults?.encryption?.age_recipients ?? [];
      if (name === 'demo.yaml') expect(recipients).toEqual([]);
      else expect(recipients.length).toBeGreaterThan(0);
    });
  });

  it('gives every seed system its own recipient', () => {
    const keys = examples.flatMap((e) => e.policy.defaults?.encryption?.age_recipients ?? []);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
