// RTO at review time: some copy of a category must be readable within its RTO. A tier's read-back time is
// the wait its storage class imposes (GLACIER, DEEP_ARCHIVE: see storage-retrieval.ts) plus, once a restore
// has been measured (a passed restore test or drill, from the state dir), the size of that restore divided
// by its measured throughput. A warning: the figures are typical, not guaranteed.
import { formatBytes } from '../../apply/format-throughput.js';
import { formatDuration } from '../../model/duration.js';
import { categoryEntries, report, type RestoreMeasurement, type Rule } from './rule.js';
import { retrievalOf, type Retrieval } from './storage-retrieval.js';

interface Readback {
  tier: string;
  retrieval: Retrieval;
  transferMs: number;
  totalMs: number;
}

function describe(r: Readback, measured: RestoreMeasurement | undefined): string {
  const parts: string[] = [];
  if (r.retrieval.documented) parts.push(`${r.retrieval.storage}: ${r.retrieval.documented}`);
  else parts.push(r.retrieval.storage);
  if (measured && r.transferMs > 0) {
    const rate = (measured.bytes / measured.durationMs) * 1000;
    parts.push(`then ${formatBytes(measured.bytes)} at the measured ${formatBytes(rate)}/s take ${formatDuration(r.transferMs)}`);
  }
  return `tier \`${r.tier}\` (${parts.join('; ')})`;
}

export const rtoReadback: Rule = (ctx) => {
  const out = [];
  const byName = new Map(ctx.policy.categories.map((c) => [c.name, c]));
  for (const [name, cat] of categoryEntries(ctx)) {
    const resolved = byName.get(name);
    if (!resolved) continue;
    const measured = ctx.measuredRestores?.(ctx.policy.system, name);
    const usable = measured && measured.durationMs > 0 && measured.bytes > 0 ? measured : undefined;
    const tiers = [...new Set(cat.copies.map((c) => c.tier))].filter((t) => ctx.policy.tiers[t] !== undefined);
    if (tiers.length === 0) continue;
    const readbacks: Readback[] = tiers.map((tier) => {
      const retrieval = retrievalOf(ctx.policy.tiers[tier]!);
      // The measured throughput stands for every tier: it is the only figure there is.
      const transferMs = usable ? usable.durationMs : 0;
      return { tier, retrieval, transferMs, totalMs: retrieval.waitMs + transferMs };
    });
    const fastest = Math.min(...readbacks.map((r) => r.totalMs));
    if (fastest <= resolved.rtoMs) continue;
    // Worth naming only when it could meet the RTO.
    const faster = readbacks
      .map((r) => r.retrieval.faster && r.retrieval.faster.waitMs + r.transferMs <= resolved.rtoMs && `${r.retrieval.storage} offers ${r.retrieval.faster.text}`)
      .find(Boolean);
    const archived = readbacks.every((r) => r.retrieval.waitMs > 0);
    const hint = archived
      ? `keep a copy in a tier that reads back at once (local, or S3 STANDARD, STANDARD_IA or GLACIER_IR), or raise rto to at least ${formatDuration(fastest).replace(/ /g, '')}${faster ? `; ${faster}, which \`aws s3api restore-object --restore-request 'Days=1,GlacierJobParameters={Tier=Expedited}'\` requests` : ''}`
      : `raise rto to at least ${formatDuration(fastest).replace(/ /g, '')}, or make the restore faster (a closer tier, less data per category), then run a restore test again`;
    const measuredText = usable ? ` (measured restore of ${formatBytes(usable.bytes)} in ${formatDuration(usable.durationMs)}, ${usable.at.slice(0, 10)}${usable.tier ? `, from tier \`${usable.tier}\`` : ''})` : '';
    out.push(
      report(ctx, {
        severity: 'warning',
        code: 'rto-unreachable',
        path: ['categories', name, 'rto'],
        message: `category \`${name}\`: no copy can be read back within rto ${cat.rto}: the fastest takes about ${formatDuration(fastest)}${measuredText}: ${readbacks.map((r) => describe(r, usable)).join(', ')}`,
        hint,
      }),
    );
  }
  return out;
};
