import { Duration } from 'luxon';

/** Milliseconds of an ISO-8601 duration (`PT1H`, `P30D`), or undefined when it does not parse. */
export function parseDuration(iso: string): number | undefined {
  const duration = Duration.fromISO(iso);
  if (!duration.isValid) return undefined;
  const ms = duration.as('milliseconds');
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}

/** Like parseDuration, but throws naming the setting. */
export function requireDuration(iso: string, what: string): number {
  const ms = parseDuration(iso);
  if (ms === undefined) throw new Error(`${what}: '${iso}' is not an ISO-8601 duration such as PT1H`);
  return ms;
}
