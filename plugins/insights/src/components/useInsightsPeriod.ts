import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { insightsIntervalSchema, type InsightsInterval } from '@portico/plugin-insights-common';

/** The preset ranges of the date-range picker, in days. */
export const PRESET_RANGES = [30, 90, 180, 365] as const;
export type InsightsRange = `${(typeof PRESET_RANGES)[number]}d` | 'custom';

const DEFAULT_RANGE: InsightsRange = '90d';
const DEFAULT_INTERVAL: InsightsInterval = 'week';
const DAY_MS = 86_400_000;
const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export interface InsightsPeriodState {
  range: InsightsRange;
  interval: InsightsInterval;
  /** The ISO times (presets) or dates (custom) sent to the backend. */
  from: string;
  to: string;
  /** The custom range's dates as typed (YYYY-MM-DD), also shown for presets. */
  fromDate: string;
  toDate: string;
  /** Days the period spans, for sentences ("over 90 days"). */
  days: number;
}

/**
 * The period a view shows, kept in the URL query (`range=90d`, or `range=custom&from=2026-01-01&to=2026-03-31`, and
 * `interval=week`) so that a link shares the same view. Presets end now (to the minute) and reach back N days.
 */
export function useInsightsPeriod(): InsightsPeriodState & {
  setRange(range: InsightsRange): void;
  setCustom(from: string, to: string): void;
  setInterval(interval: InsightsInterval): void;
  /** A flag in the URL (`subTeams=true`), for the switches of the team page and the comparison. */
  flag(name: string): boolean;
  setFlag(name: string, on: boolean): void;
  param(name: string): string | null;
  setParam(name: string, value: string | null): void;
} {
  const [params, setParams] = useSearchParams();
  const rangeParam = params.get('range');
  const fromParam = params.get('from');
  const toParam = params.get('to');
  const intervalParam = insightsIntervalSchema.safeParse(params.get('interval'));
  const interval = intervalParam.success ? intervalParam.data : DEFAULT_INTERVAL;

  const period = useMemo(() => periodOf(rangeParam, fromParam, toParam), [rangeParam, fromParam, toParam]);

  const update = useCallback(
    (change: (next: URLSearchParams) => void) =>
      setParams(
        prev => {
          const next = new URLSearchParams(prev);
          change(next);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  return {
    ...period,
    interval,
    setRange: range =>
      update(next => {
        next.set('range', range);
        if (range === 'custom') {
          next.set('from', period.fromDate);
          next.set('to', period.toDate);
        } else {
          next.delete('from');
          next.delete('to');
        }
      }),
    setCustom: (from, to) =>
      update(next => {
        next.set('range', 'custom');
        next.set('from', from);
        next.set('to', to);
      }),
    setInterval: value => update(next => next.set('interval', value)),
    flag: name => params.get(name) === 'true',
    setFlag: (name, on) => update(next => (on ? next.set(name, 'true') : next.delete(name))),
    param: name => params.get(name),
    setParam: (name, value) => update(next => (value === null ? next.delete(name) : next.set(name, value))),
  };
}

/** The period named by the URL; a custom range with a missing or unreadable date falls back to the default preset. */
export function periodOf(range: string | null, from: string | null, to: string | null, now = Date.now()): Omit<InsightsPeriodState, 'interval'> {
  if (range === 'custom' && from && to && isoDate.test(from) && isoDate.test(to)) {
    const days = Math.max(1, Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1);
    // the backend reads a date as `to` as including that day, as a person picking dates means it
    return { range: 'custom', from, to, fromDate: from, toDate: to, days };
  }
  const preset = PRESET_RANGES.find(d => `${d}d` === range) ?? Number.parseInt(DEFAULT_RANGE, 10);
  const end = new Date(Math.floor(now / 60_000) * 60_000);
  const start = new Date(end.getTime() - preset * DAY_MS);
  return {
    range: `${preset}d` as InsightsRange,
    from: start.toISOString(),
    to: end.toISOString(),
    fromDate: start.toISOString().slice(0, 10),
    toDate: end.toISOString().slice(0, 10),
    days: preset,
  };
}
