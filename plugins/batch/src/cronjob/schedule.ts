// A CronJob's schedule as run times: cron-parser computes the calendar (5 fields, names, steps,
// macros, spec.timeZone); `@every <duration>` is a fixed interval from the last run, as
// Kubernetes' cron library has it. The API server checks the syntax at create; this check runs
// again here so an object that slipped through is reported, not crashed on.
import { cronScheduleProblem, parseCronSchedule } from '@corral/core/api';
import { CronExpressionParser } from 'cron-parser';

/** Past this many missed runs Kubernetes warns (and stops counting). */
export const MAX_MISSED_RUNS = 100;

export class InvalidScheduleError extends Error {
  override readonly name = 'InvalidScheduleError';
}

export interface ScheduleTimes {
  /** The latest run time in (earliest, now], if any. */
  mostRecent?: number;
  /** Run times in (earliest, now]; counting stops past MAX_MISSED_RUNS. */
  missed: number;
}

export interface Schedule {
  /** The first run time strictly after `after`. */
  next(after: number): number;
  /** The run times in (earliest, now]. */
  between(earliest: number, now: number): ScheduleTimes;
}

const KUBERNETES_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

class IntervalSchedule implements Schedule {
  constructor(private readonly everyMs: number) {}

  next(after: number): number {
    return Math.floor(after / 1000) * 1000 + this.everyMs;
  }

  between(earliest: number, now: number): ScheduleTimes {
    if (now < earliest + this.everyMs) return { missed: 0 };
    const runs = Math.floor((now - earliest) / this.everyMs);
    return { mostRecent: earliest + runs * this.everyMs, missed: Math.min(runs, MAX_MISSED_RUNS + 1) };
  }
}

class CalendarSchedule implements Schedule {
  constructor(
    private readonly expression: string,
    private readonly timeZone: string,
  ) {}

  private parse(currentDate: number) {
    return CronExpressionParser.parse(this.expression, { currentDate, tz: this.timeZone });
  }

  next(after: number): number {
    return this.parse(after).next().getTime();
  }

  between(earliest: number, now: number): ScheduleTimes {
    if (now <= earliest) return { missed: 0 };
    const forward = this.parse(earliest);
    let missed = 0;
    let mostRecent: number | undefined;
    for (;;) {
      const at = forward.next().getTime();
      if (at > now) return mostRecent === undefined ? { missed } : { mostRecent, missed };
      mostRecent = at;
      if (++missed > MAX_MISSED_RUNS) break;
    }
    // Too many to walk: step back from now instead (prev is strictly before its start).
    return { mostRecent: this.parse(now + 1).prev().getTime(), missed };
  }
}

/** The process's own zone, which Kubernetes uses when spec.timeZone is not given. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Parses `schedule` in `timeZone`; throws InvalidScheduleError saying what is wrong. */
export function parseSchedule(schedule: string, timeZone: string = localTimeZone()): Schedule {
  const problem = cronScheduleProblem(schedule);
  if (problem) throw new InvalidScheduleError(`unparseable schedule "${schedule}": ${problem}`);
  const parsed = parseCronSchedule(schedule);
  if ('everySeconds' in parsed) return new IntervalSchedule(Math.round(parsed.everySeconds * 1000));
  const text = schedule.trim();
  if (text.startsWith('@') && !KUBERNETES_MACROS.has(text.toLowerCase())) {
    throw new InvalidScheduleError(`unparseable schedule "${schedule}": unknown macro`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new InvalidScheduleError(`unknown time zone "${timeZone}"; use an IANA name such as 'Europe/Paris' or 'UTC'`);
  }
  const expression = text.startsWith('@') ? text.toLowerCase() : text;
  try {
    // Parsing once here turns a syntax cron-parser refuses into this error, not a later throw.
    CronExpressionParser.parse(expression, { tz: timeZone });
  } catch (error) {
    throw new InvalidScheduleError(`unparseable schedule "${schedule}": ${error instanceof Error ? error.message : String(error)}`);
  }
  return new CalendarSchedule(expression, timeZone);
}
