// Translates 5-field cron expressions into systemd OnCalendar= specs, so systemd timers fire exactly when
// cron (and croner, which validate and plan use) would.
//
// Day-of-month and day-of-week: when both are restricted, cron fires on either (OR) while systemd requires
// both (AND), so that case yields two specs; a timer with two OnCalendar= lines fires on their union.
// "Restricted" follows croner: any field other than a bare `*`/`?` (Vixie cron also treats `*/2` as
// unrestricted; croner does not, and croner is what Strata uses to compute runs and RPO gaps).

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DOW_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** systemd weekday names in systemd's (Monday-first) order, indexed by cron day number. */
const SYSTEMD_DOW = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONDAY_FIRST = [1, 2, 3, 4, 5, 6, 0];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Value of the first name (months start at 1, weekdays at 0). */
  namesBase?: number;
}

const FIELDS: Record<'minute' | 'hour' | 'dom' | 'month' | 'dow', FieldSpec> = {
  minute: { name: 'minute', min: 0, max: 59 },
  hour: { name: 'hour', min: 0, max: 23 },
  dom: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTH_NAMES, namesBase: 1 },
  dow: { name: 'day-of-week', min: 0, max: 7, names: DOW_NAMES, namesBase: 0 },
};

export class CronSyntaxError extends Error {
  constructor(expr: string, detail: string) {
    super(`invalid cron expression "${expr}": ${detail}`);
    this.name = 'CronSyntaxError';
  }
}

interface Item {
  /** Inclusive range; a single value has start === end. `undefined` start means `*`. */
  start?: number;
  end?: number;
  step?: number;
}

function parseValue(text: string, field: FieldSpec, expr: string): number {
  const lower = text.toLowerCase();
  const nameIndex = field.names?.indexOf(lower) ?? -1;
  if (nameIndex >= 0) return nameIndex + (field.namesBase ?? 0);
  if (!/^\d+$/.test(text)) throw new CronSyntaxError(expr, `"${text}" is not a valid ${field.name}`);
  const value = Number(text);
  if (value < field.min || value > field.max) {
    throw new CronSyntaxError(expr, `${field.name} ${value} is outside ${field.min}-${field.max}`);
  }
  return value;
}

function parseItems(text: string, field: FieldSpec, expr: string): Item[] {
  return text.split(',').map((part): Item => {
    const match = /^([^/]+)(?:\/(\d+))?$/.exec(part);
    if (!match) throw new CronSyntaxError(expr, `"${part}" is not a valid ${field.name}`);
    const [, base = '', stepText] = match;
    const step = stepText === undefined ? undefined : Number(stepText);
    if (step !== undefined && step < 1) throw new CronSyntaxError(expr, `step 0 in ${field.name}`);
    if (base === '*' || base === '?') return { step };
    const range = /^([^-]+)-([^-]+)$/.exec(base);
    if (range) {
      const start = parseValue(range[1] ?? '', field, expr);
      // "sat-sun" means 6-7, as in croner and Vixie cron.
      const endText = range[2] ?? '';
      const end = field === FIELDS.dow && endText.toLowerCase() === 'sun' ? 7 : parseValue(endText, field, expr);
      if (start > end) throw new CronSyntaxError(expr, `${field.name} range ${base} runs backwards`);
      return { start, end, step };
    }
    if (step !== undefined) {
      throw new CronSyntaxError(expr, `"${part}": a step needs * or a range (e.g. */${step} or 0-59/${step})`);
    }
    const value = parseValue(base, field, expr);
    return { start: value, end: value };
  });
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Expands items to the set of values they match (`*` with a step starts at the field's minimum). */
function expandItems(items: Item[], field: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const i of items) {
    const start = i.start ?? field.min;
    const end = i.start === undefined ? field.max : (i.end ?? start);
    for (let v = start; v <= end; v += i.step ?? 1) values.add(v);
  }
  return values;
}

/**
 * Renders a numeric field as explicit values, folding runs of three or more into `a..b`. Steps are expanded
 * rather than written as systemd repetitions (`00/7`): systemd's repetition arithmetic skips elapses when a
 * larger unit rolls over (systemd #22665, #40260; e.g. 252 skips 00:00 after 23:56 for `*:00/7`).
 */
function renderNumeric(values: Set<number>, field: FieldSpec): string {
  if (values.size === field.max - field.min + 1) return '*';
  const sorted = [...values].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    let j = k;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] ?? 0) + 1) j++;
    const first = sorted[k] ?? 0;
    const last = sorted[j] ?? 0;
    if (j - k >= 2) parts.push(`${pad(first)}..${pad(last)}`);
    else for (let v = k; v <= j; v++) parts.push(pad(sorted[v] ?? 0));
    k = j + 1;
  }
  return parts.join(',');
}

/** Expands day-of-week items to a set of cron day numbers (0 = Sunday; 7 folds onto 0). */
function expandWeekdays(items: Item[]): Set<number> {
  // `*/2` steps over 0-6 as cron does (0,2,4,6), not over 0-7.
  const days = expandItems(items, { ...FIELDS.dow, max: 6 });
  return new Set([...days].map((d) => d % 7));
}

/** Renders weekdays Monday-first, folding consecutive runs into ranges (`Mon..Fri,Sun`). */
function renderWeekdays(days: Set<number>): string {
  const ordered = MONDAY_FIRST.filter((d) => days.has(d));
  const parts: string[] = [];
  let runStart = 0;
  for (let k = 1; k <= ordered.length; k++) {
    const prev = MONDAY_FIRST.indexOf(ordered[k - 1] ?? 0);
    const cur = k < ordered.length ? MONDAY_FIRST.indexOf(ordered[k] ?? 0) : -1;
    if (cur !== prev + 1) {
      const first = SYSTEMD_DOW[ordered[runStart] ?? 0] ?? '';
      const last = SYSTEMD_DOW[ordered[k - 1] ?? 0] ?? '';
      const length = k - runStart;
      parts.push(length === 1 ? first : length === 2 ? `${first},${last}` : `${first}..${last}`);
      runStart = k;
    }
  }
  return parts.join(',');
}

function isWildcard(text: string): boolean {
  return text === '*' || text === '?';
}

/** Splits a cron expression into its five fields, expanding nicknames such as `@daily`. */
export function splitCron(expr: string): [string, string, string, string, string] {
  const trimmed = expr.trim();
  const expanded = NICKNAMES[trimmed.toLowerCase()] ?? trimmed;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5 || fields.some((f) => f === '')) {
    throw new CronSyntaxError(expr, `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`);
  }
  return fields as [string, string, string, string, string];
}

/**
 * Converts a 5-field cron expression (plus @hourly/@daily/@weekly/@monthly/@yearly) into one or two systemd
 * OnCalendar= specs in the given time zone (cron expressions in Strata are UTC unless a timezone is set;
 * systemd would otherwise use the host's local zone, so the zone is always written out).
 */
export function cronToOnCalendar(expr: string, timezone = 'UTC'): string[] {
  const [minuteText, hourText, domText, monthText, dowText] = splitCron(expr);
  const numeric = (text: string, field: FieldSpec): string =>
    renderNumeric(expandItems(parseItems(text, field, expr), field), field);
  const minute = numeric(minuteText, FIELDS.minute);
  const hour = numeric(hourText, FIELDS.hour);
  const dom = numeric(domText, FIELDS.dom);
  const month = numeric(monthText, FIELDS.month);
  const weekdays = expandWeekdays(parseItems(dowText, FIELDS.dow, expr));
  const dow = weekdays.size === 7 ? '' : `${renderWeekdays(weekdays)} `;

  const time = `${hour}:${minute}:00 ${timezone}`;
  const domRestricted = !isWildcard(domText);
  const dowRestricted = !isWildcard(dowText);
  if (domRestricted && dowRestricted) {
    return [`*-${month}-${dom} ${time}`, `${dow}*-${month}-* ${time}`];
  }
  return [`${dowRestricted ? dow : ''}*-${month}-${domRestricted ? dom : '*'} ${time}`];
}
