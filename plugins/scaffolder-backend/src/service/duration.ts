import { durationToMilliseconds, type Duration } from '@portico/backend-plugin-api';

/** Milliseconds of a template's duration: a number of milliseconds, or any duration the one grammar reads. */
export function durationToMs(value: Duration | number): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`Invalid duration ${value}`);
    return value;
  }
  return durationToMilliseconds(value);
}
