/**
 * The one ISO-8601 duration grammar, exactly as luxon's `Duration.fromISO` reads it (luxon 3: same pattern,
 * same signs, same casual units: a month is 30 days, a year 365). Written out because every plugin with a
 * scheduled task needs it at startup, and luxon's first Duration costs ~25 ms of CPU (loading luxon, then
 * resolving the system locale through Intl) for a number of milliseconds. The test checks it against luxon.
 */
const ISO_DURATION =
  /^-?P(?:(?:(-?\d{1,20}(?:\.\d{1,20})?)Y)?(?:(-?\d{1,20}(?:\.\d{1,20})?)M)?(?:(-?\d{1,20}(?:\.\d{1,20})?)W)?(?:(-?\d{1,20}(?:\.\d{1,20})?)D)?(?:T(?:(-?\d{1,20}(?:\.\d{1,20})?)H)?(?:(-?\d{1,20}(?:\.\d{1,20})?)M)?(?:(-?\d{1,20})(?:[.,](-?\d{1,20}))?S)?)?)$/;

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

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
