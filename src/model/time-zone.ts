// UTC offsets and DST transitions of IANA time zones, from Intl only (no tz database of our own).
const formatters = new Map<string, Intl.DateTimeFormat>();

const FIXED_UTC = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu', 'Zulu', 'Universal']);

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Error message for an unknown IANA time zone, or undefined when it is valid. */
export function validateTimeZone(tz: string): string | undefined {
  if (typeof tz !== 'string' || tz.trim() === '') return 'time zone is empty';
  try {
    formatterFor(tz);
    return undefined;
  } catch {
    return `unknown time zone ${JSON.stringify(tz)}`;
  }
}

export function isFixedUtc(tz: string): boolean {
  return FIXED_UTC.has(tz);
}

const FORMAT_RE = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;

/** Local time minus UTC, in ms, at the instant `utcMs` (whole seconds). */
export function offsetAt(tz: string, utcMs: number): number {
  if (FIXED_UTC.has(tz)) return 0;
  const at = Math.floor(utcMs / 1000) * 1000;
  // format() is several times faster than formatToParts(), and this runs thousands of times per check.
  const text = formatterFor(tz).format(new Date(at));
  const m = FORMAT_RE.exec(text);
  if (!m) throw new Error(`cannot read the UTC offset of ${tz} from ${JSON.stringify(text)}`);
  const local = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]));
  return local - at;
}

export interface Transition {
  /** First UTC instant (ms) with the new offset. */
  at: number;
  before: number;
  after: number;
}

const WEEK = 7 * 86_400_000;

/**
 * Offset changes in [fromMs, toMs]. Sampled weekly and then bisected to the second: two changes
 * within one week (which no current zone has) would be missed.
 */
export function transitionsBetween(tz: string, fromMs: number, toMs: number): Transition[] {
  if (FIXED_UTC.has(tz)) return [];
  const key = `${tz}|${fromMs}|${toMs}`;
  const cached = transitionCache.get(key);
  if (cached) return cached;
  const found = findTransitions(tz, fromMs, toMs);
  if (transitionCache.size > 50) transitionCache.clear();
  transitionCache.set(key, found);
  return found;
}

const transitionCache = new Map<string, Transition[]>();

function findTransitions(tz: string, fromMs: number, toMs: number): Transition[] {
  const out: Transition[] = [];
  let a = Math.floor(fromMs / 1000) * 1000;
  let offA = offsetAt(tz, a);
  while (a < toMs) {
    const b = Math.min(a + WEEK, toMs);
    const offB = offsetAt(tz, b);
    if (offB !== offA) {
      let lo = a; // offset offA
      let hi = b; // offset offB
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (offsetAt(tz, mid) === offA) lo = mid;
        else hi = mid;
      }
      out.push({ at: hi, before: offA, after: offB });
    }
    a = b;
    offA = offB;
  }
  return out;
}
