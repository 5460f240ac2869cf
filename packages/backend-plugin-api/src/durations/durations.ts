import { z } from 'zod';
import { DAY, HOUR, MINUTE, SECOND, isoDurationToMillis } from './isoDuration';

/** A duration written as units (Backstage's form): `{ hours: 1, minutes: 30 }`. At least one unit. */
export interface HumanDuration {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/** A duration as config and plugins write it: ISO-8601 (`PT30M`) or a {@link HumanDuration}. */
export type Duration = string | HumanDuration;

const UNIT_MS: Record<keyof HumanDuration, number> = {
  years: 365 * DAY,
  months: 30 * DAY,
  weeks: 7 * DAY,
  days: DAY,
  hours: HOUR,
  minutes: MINUTE,
  seconds: SECOND,
  milliseconds: 1,
};

function humanToMillis(value: HumanDuration): number {
  let sum = 0;
  let units = 0;
  for (const [unit, amount] of Object.entries(value) as Array<[keyof HumanDuration, unknown]>) {
    if (amount === undefined) continue;
    if (!(unit in UNIT_MS) || typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) return NaN;
    sum += amount * UNIT_MS[unit];
    units++;
  }
  return units > 0 ? sum : NaN;
}

/**
 * Milliseconds of a duration: ISO-8601 (luxon's grammar: `PT1H30M`, `P1W`, `PT0.5S`; a month is 30 days, a
 * year 365) or a {@link HumanDuration}. Throws a TypeError for anything else or a negative duration.
 */
export function durationToMilliseconds(value: Duration): number {
  const ms =
    typeof value === 'string'
      ? isoDurationToMillis(value)
      : typeof value === 'object' && value !== null && !Array.isArray(value)
        ? humanToMillis(value)
        : NaN;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`Invalid duration ${JSON.stringify(value)}: expected an ISO-8601 duration such as PT5M or { minutes: 5 }`);
  }
  return ms;
}

const unit = z.number().nonnegative().optional();

/**
 * The one config shape of a duration: ISO-8601 (`PT30M`) or `{ minutes: 30 }`, parsed to milliseconds
 * (positive). Milliseconds, not a HumanDuration, because every reader needs a number to add, compare or
 * hand to a timer; `{ milliseconds: ms }` passes it back wherever a {@link Duration} is taken.
 */
export const durationSchema = z
  .union([
    z.string(),
    z
      .object({ years: unit, months: unit, weeks: unit, days: unit, hours: unit, minutes: unit, seconds: unit, milliseconds: unit })
      .strict(),
  ])
  .transform((value, ctx) => {
    const ms = typeof value === 'string' ? isoDurationToMillis(value) : humanToMillis(value);
    if (!Number.isFinite(ms) || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a positive ISO-8601 duration such as PT30M, or an object such as { minutes: 30 }' });
      return z.NEVER;
    }
    return ms;
  });
