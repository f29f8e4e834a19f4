// The syntax of a CronJob's schedule: five fields (minute hour day-of-month month day-of-week)
// of numbers, ranges, steps, lists, names and `*`, or a macro like @hourly. Parsing yields the
// set of values per field so the CronJob controller can compute run times from it.

export interface CronSchedule {
  minute: number[];
  hour: number[];
  dayOfMonth: number[];
  month: number[];
  dayOfWeek: number[];
  /** Whether day-of-month / day-of-week was `*` or `?` (cron ORs the two only when both are set). */
  dayOfMonthAny: boolean;
  dayOfWeekAny: boolean;
}

/** `@every 1h30m`: a fixed interval rather than calendar fields. */
export interface CronInterval {
  everySeconds: number;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** `?` means "any" (only in the two day fields). */
  question?: boolean;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31, question: true },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'], question: true },
];

const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DURATION = /^(?:(\d+(?:\.\d+)?)(h|m|s|ms|us|µs|ns))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const UNIT_SECONDS: Readonly<Record<string, number>> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };

export class CronSyntaxError extends Error {
  override readonly name = 'CronSyntaxError';
}

function fail(message: string): never {
  throw new CronSyntaxError(message);
}

function parseValue(text: string, spec: FieldSpec): number {
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (index >= 0) return index + spec.min;
  if (!/^\d+$/.test(text)) {
    const names = spec.names ? ` or a name (${spec.names.join(', ')})` : '';
    fail(`${spec.name}: "${text}" is not a number${names}`);
  }
  const value = Number(text);
  if (value < spec.min || value > spec.max) fail(`${spec.name}: ${value} is outside ${spec.min}-${spec.max}`);
  return value;
}

function parsePart(part: string, spec: FieldSpec, out: Set<number>): boolean {
  const [range, step, extra] = part.split('/');
  if (extra !== undefined) fail(`${spec.name}: "${part}" has more than one '/'`);
  let every = 1;
  if (step !== undefined) {
    if (!/^\d+$/.test(step) || Number(step) === 0) fail(`${spec.name}: step "${step}" must be a positive number`);
    every = Number(step);
  }
  let low: number;
  let high: number;
  let any = false;
  if (range === '*' || (range === '?' && spec.question)) {
    [low, high, any] = [spec.min, spec.max, step === undefined];
  } else if (range === '?' || range === '') {
    fail(`${spec.name}: "${part}" is missing a value`);
  } else if (range!.includes('-')) {
    const [a, b, more] = range!.split('-');
    if (more !== undefined || !a || !b) fail(`${spec.name}: "${range}" is not a range like 1-5`);
    [low, high] = [parseValue(a, spec), parseValue(b, spec)];
    if (low > high) fail(`${spec.name}: range "${range}" runs backwards`);
  } else {
    low = parseValue(range!, spec);
    // `5/15` means from 5 to the end, every 15.
    high = step === undefined ? low : spec.max;
  }
  for (let v = low; v <= high; v += every) out.add(v);
  return any;
}

function parseField(text: string, spec: FieldSpec): { values: number[]; any: boolean } {
  const values = new Set<number>();
  let any = false;
  for (const part of text.split(',')) any = parsePart(part, spec, values) || any;
  return { values: [...values].sort((a, b) => a - b), any };
}

function parseDuration(text: string): number {
  if (!DURATION.test(text)) fail(`"@every ${text}" needs a duration like 90s, 5m or 1h30m`);
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) seconds += Number(amount) * UNIT_SECONDS[unit!]!;
  if (seconds < 1) fail(`"@every ${text}" must be at least one second`);
  return seconds;
}

/** Parses a schedule; throws CronSyntaxError saying which field is wrong and why. */
export function parseCronSchedule(schedule: string): CronSchedule | CronInterval {
  let text = schedule.trim();
  if (/^(CRON_)?TZ=/.test(text)) fail('a time zone may not be given in the schedule; use spec.timeZone');
  if (text.startsWith('@every ')) return { everySeconds: parseDuration(text.slice(7).trim()) };
  if (text.startsWith('@')) {
    const expanded = MACROS[text.toLowerCase()];
    if (!expanded) fail(`unknown macro "${text}"; use one of ${Object.keys(MACROS).join(', ')} or @every <duration>`);
    text = expanded;
  }
  const fields = text.split(/\s+/);
  if (fields.length !== 5) {
    fail(`expected 5 fields (minute hour day-of-month month day-of-week), found ${text ? fields.length : 0}`);
  }
  const [minute, hour, dom, month, dow] = fields.map((f, i) => parseField(f, FIELDS[i]!));
  return {
    minute: minute!.values,
    hour: hour!.values,
    dayOfMonth: dom!.values,
    month: month!.values,
    dayOfWeek: dow!.values,
    dayOfMonthAny: dom!.any,
    dayOfWeekAny: dow!.any,
  };
}

/** Why `schedule` is not valid, or undefined when it is. */
export function cronScheduleProblem(schedule: string): string | undefined {
  try {
    parseCronSchedule(schedule);
    return undefined;
  } catch (error) {
    if (error instanceof CronSyntaxError) return error.message;
    throw error;
  }
}
