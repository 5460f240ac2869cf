import { InputError } from '@portico/errors';
import type { TaskFrequency } from '@portico/backend-plugin-api';

/** Far in the future: a manual task is never due on its own. */
export const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * ISO-8601 durations exactly as luxon's `Duration.fromISO` reads them (luxon 3: same pattern, same signs,
 * same casual units: a month is 30 days, a year 365). Parsed here because every plugin with a scheduled
 * task needs it at startup, and luxon's first Duration costs ~25 ms of CPU (loading luxon, then resolving
 * the system locale through Intl) for a number of milliseconds. The test checks it against luxon.
 */
const ISO_DURATION =
  /^-?P(?:(?:(-?\d{1,20}(?:\.\d{1,20})?)Y)?(?:(-?\d{1,20}(?:\.\d{1,20})?)M)?(?:(-?\d{1,20}(?:\.\d{1,20})?)W)?(?:(-?\d{1,20}(?:\.\d{1,20})?)D)?(?:T(?:(-?\d{1,20}(?:\.\d{1,20})?)H)?(?:(-?\d{1,20}(?:\.\d{1,20})?)M)?(?:(-?\d{1,20})(?:[.,](-?\d{1,20}))?S)?)?)$/;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function parseFloating(text: string | undefined): number | undefined {
  return text === undefined || text === '' ? undefined : parseFloat(text);
}

/** Milliseconds of an ISO-8601 duration, NaN if it is not one (what luxon's `toMillis()` gives). */
export function isoDurationToMillis(text: string): number {
  const match = ISO_DURATION.exec(text);
  if (!match) return NaN;
  const [whole, years, months, weeks, days, hours, minutes, seconds, fraction] = match;
  const negative = whole[0] === '-';
  const negate = (value: number | undefined, force = false) =>
    value !== undefined && (force || (value && negative)) ? -value : value;
  const milliseconds =
    fraction === undefined || fraction === '' ? undefined : Math.floor(parseFloat(`0.${fraction}`) * 1000);
  // Summed from the smallest unit up, as luxon does, so fractions round the same way.
  const parts: Array<[number | undefined, number]> = [
    [negate(parseFloating(seconds), seconds === '-0'), SECOND],
    [negate(parseFloating(minutes)), MINUTE],
    [negate(parseFloating(hours)), HOUR],
    [negate(parseFloating(days)), DAY],
    [negate(parseFloating(weeks)), 7 * DAY],
    [negate(parseFloating(months)), 30 * DAY],
    [negate(parseFloating(years)), 365 * DAY],
  ];
  let sum = negate(milliseconds, seconds !== undefined && seconds[0] === '-') ?? 0;
  for (const [value, unit] of parts) {
    if (value) sum += value * unit;
  }
  return sum;
}

type CronParser = typeof import('cron-parser').CronExpressionParser;
let cronParser: CronParser | undefined;

/** cron-parser (and the luxon it brings) is loaded with the first cron task: ~30 ms that duration-only backends skip. */
function cron(): CronParser {
  cronParser ??= (require('cron-parser') as typeof import('cron-parser')).CronExpressionParser;
  return cronParser;
}

/** Milliseconds of an ISO-8601 duration; an InputError naming `what` if invalid or not positive. */
export function parseDuration(value: string, what: string, allowZero = false): number {
  const ms = typeof value === 'string' ? isoDurationToMillis(value) : NaN;
  if (!Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    throw new InputError(`Invalid ${what} '${String(value)}': expected an ISO-8601 duration such as PT5M`);
  }
  return ms;
}

/** Checks a frequency at scheduling time, so a bad cron fails when the task is declared. */
export function validateFrequency(frequency: TaskFrequency, taskId: string): void {
  if ('cron' in frequency) {
    try {
      cron().parse(frequency.cron);
    } catch (error) {
      throw new InputError(`Invalid frequency.cron '${frequency.cron}' for task '${taskId}': ${(error as Error).message}`);
    }
  } else if ('duration' in frequency) {
    parseDuration(frequency.duration, `frequency.duration for task '${taskId}'`);
  } else if (!('trigger' in frequency) || frequency.trigger !== 'manual') {
    throw new InputError(`Invalid frequency for task '${taskId}': use { cron }, { duration } or { trigger: 'manual' }`);
  }
}

/** When a task is next due after a run that started at `from` (epoch ms). */
export function nextRunAfter(frequency: TaskFrequency, from: number): number {
  if ('cron' in frequency) {
    return cron().parse(frequency.cron, { currentDate: new Date(from) }).next().getTime();
  }
  if ('duration' in frequency) return from + parseDuration(frequency.duration, 'frequency.duration');
  return NEVER;
}

/** The first due time: after `initialDelay` if given, else now (duration) or the next cron tick. */
export function firstRunAt(frequency: TaskFrequency, now: number, initialDelayMs: number | undefined): number {
  if ('trigger' in frequency) return NEVER;
  if (initialDelayMs !== undefined) return now + initialDelayMs;
  if ('cron' in frequency) return nextRunAfter(frequency, now);
  return now;
}
