import { InputError } from '@portico/errors';
import { durationToMilliseconds, type Duration, type TaskFrequency } from '@portico/backend-plugin-api';

/** Far in the future: a manual task is never due on its own. */
export const NEVER = Number.MAX_SAFE_INTEGER;

type CronParser = typeof import('cron-parser').CronExpressionParser;
let cronParser: CronParser | undefined;

/** cron-parser (and the luxon it brings) is loaded with the first cron task: ~30 ms that duration-only backends skip. */
function cron(): CronParser {
  cronParser ??= (require('cron-parser') as typeof import('cron-parser')).CronExpressionParser;
  return cronParser;
}

/** Milliseconds of a duration; an InputError naming `what` if invalid or not positive. */
export function parseDuration(value: Duration, what: string, allowZero = false): number {
  let ms = NaN;
  try {
    ms = durationToMilliseconds(value);
  } catch {
    // reported below, naming the setting
  }
  if (!Number.isFinite(ms) || ms < 0 || (!allowZero && ms === 0)) {
    const shown = typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
    throw new InputError(`Invalid ${what} '${shown}': expected an ISO-8601 duration such as PT5M`);
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
