// Durations as written in policies: a number and a unit (s, m, h, d, w), optionally combined ("1h30m").
const UNIT_MS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION_RE = /^(?:[0-9]+[smhdw])+$/;
const PART_RE = /([0-9]+)([smhdw])/g;

export function isDuration(s: string): boolean {
  return DURATION_RE.test(s);
}

/** Parses `90s`, `5m`, `1h30m`, `7d`, `2w` into milliseconds; throws on anything else. */
export function parseDuration(s: string): number {
  if (typeof s !== 'string' || !DURATION_RE.test(s)) {
    throw new Error(`invalid duration ${JSON.stringify(s)}: write a number and a unit (s, m, h, d, w), e.g. 90s, 5m, 1h30m, 7d`);
  }
  let total = 0;
  for (const match of s.matchAll(PART_RE)) {
    const unit = UNIT_MS[match[2] as string] as number;
    total += Number(match[1]) * unit;
  }
  if (!Number.isSafeInteger(total)) throw new Error(`invalid duration ${JSON.stringify(s)}: too large`);
  return total;
}

/**
 * Compact, deterministic human form: `5m`, `1h30m`, `90s` → `1m30s`; from one day up the days are set
 * apart (`2d 3h`, `1d 2h30m`) so long gaps stay readable. Sub-second remainders print as `ms`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return ms > 0 ? 'forever' : '-forever';
  if (ms < 0) return `-${formatDuration(-ms)}`;
  const whole = Math.round(ms);
  if (whole === 0) return '0s';
  const days = Math.floor(whole / UNIT_MS.d!);
  const rest = whole - days * UNIT_MS.d!;
  const clock = formatClockPart(rest);
  if (days === 0) return clock;
  return clock === '' ? `${days}d` : `${days}d ${clock}`;
}

function formatClockPart(ms: number): string {
  const h = Math.floor(ms / UNIT_MS.h!);
  const m = Math.floor((ms % UNIT_MS.h!) / UNIT_MS.m!);
  const s = Math.floor((ms % UNIT_MS.m!) / UNIT_MS.s!);
  const milli = ms % 1000;
  let out = '';
  if (h) out += `${h}h`;
  if (m) out += `${m}m`;
  if (s) out += `${s}s`;
  if (milli) out += `${milli}ms`;
  return out;
}
