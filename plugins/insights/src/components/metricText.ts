import { INSIGHTS_METRICS, type DoraBand, type InsightsInterval, type InsightsMetricId, type InsightsPoint, type InsightsUnit, type InsightsValue } from '@portico/plugin-insights-common';

const number = (value: number, digits = 1) => {
  const rounded = Number(value.toFixed(digits));
  return rounded.toLocaleString('en-US', { maximumFractionDigits: digits });
};

/** A value in its unit, for a person: `0.9 per day`, `36 h`, `4.5 days`, `12%`, `120 lines`. */
export function formatValue(unit: InsightsUnit, value: number): string {
  switch (unit) {
    case 'perDay':
      return `${number(value, value < 1 ? 2 : 1)} per day`;
    case 'hours':
      return value < 48 ? `${number(value)} h` : `${number(value / 24)} days`;
    case 'ratio':
      return `${number(value * 100, 0)}%`;
    case 'lines':
      return `${number(value, 0)} lines`;
  }
}

/** The number alone, in the unit a chart axis uses (hours stay hours, ratios are percent). */
export function chartValue(unit: InsightsUnit, value: number | null): number | null {
  if (value === null) return null;
  return unit === 'ratio' ? Number((value * 100).toFixed(1)) : Number(value.toFixed(2));
}

export const axisUnit: Record<InsightsUnit, string> = { perDay: '/day', hours: ' h', ratio: '%', lines: '' };

export const bandLabel: Record<DoraBand, string> = { elite: 'Elite', high: 'High', medium: 'Medium', low: 'Low' };
export const bandColor: Record<DoraBand, 'success' | 'info' | 'warning' | 'error'> = { elite: 'success', high: 'info', medium: 'warning', low: 'error' };

export interface MetricChange {
  direction: 'up' | 'down' | 'same';
  /** Whether the change is an improvement, by the metric's `lowerIsBetter`; null when nothing changed. */
  better: boolean | null;
  /** `+25%` (relative) or `+3 pts` (for shares). */
  amount: string;
  /** A sentence: "Up 25% vs the previous 90 days: better". */
  text: string;
}

/** The change of a value vs the previous period of the same length, or null when either has no value. */
export function changeOf(metric: InsightsMetricId, current: InsightsValue, previous: InsightsValue, days: number): MetricChange | null {
  if (current.value === null || previous.value === null) return null;
  const { unit, lowerIsBetter } = INSIGHTS_METRICS[metric];
  const delta = current.value - previous.value;
  const vs = `vs the previous ${days} days`;
  if (Math.abs(delta) < 1e-9) return { direction: 'same', better: null, amount: '0', text: `No change ${vs}` };
  const direction = delta > 0 ? 'up' : 'down';
  const better = lowerIsBetter ? delta < 0 : delta > 0;
  let amount: string;
  if (unit === 'ratio') amount = `${delta > 0 ? '+' : '−'}${number(Math.abs(delta) * 100, 0)} pts`;
  else if (previous.value === 0) amount = `${delta > 0 ? '+' : '−'}${formatValue(unit, Math.abs(delta))}`;
  else amount = `${delta > 0 ? '+' : '−'}${number((Math.abs(delta) / Math.abs(previous.value)) * 100, 0)}%`;
  return { direction, better, amount, text: `${direction === 'up' ? 'Up' : 'Down'} ${amount} ${vs}: ${better ? 'better' : 'worse'}` };
}

const intervalWord: Record<InsightsInterval, string> = { day: 'day', week: 'week', month: 'month' };

/**
 * A chart's text summary, for those who do not see it: "Deployment frequency rose from 0.4 per day to 0.9 per day over
 * 12 weeks; elite". Built from the first and the last interval with a value.
 */
export function seriesSummary(metric: InsightsMetricId, all: InsightsPoint[], interval: InsightsInterval, band: DoraBand | null, periodEnd?: string): string {
  const { title, unit } = INSIGHTS_METRICS[metric];
  // an interval still running at the end of the period (this week so far) would read as a sudden drop
  const series = all.length > 1 && periodEnd && isPartial(all[all.length - 1], periodEnd) ? all.slice(0, -1) : all;
  const span = `${series.length} ${intervalWord[interval]}${series.length === 1 ? '' : 's'}`;
  const known = series.filter((p): p is InsightsPoint & { value: number } => p.value !== null);
  const tail = band ? `; ${band}` : '';
  if (!known.length) return `${title} has not enough data in any ${intervalWord[interval]} of the ${span}.`;
  const first = known[0].value;
  const last = known[known.length - 1].value;
  const gaps = known.length < series.length ? ` (${series.length - known.length} without enough data)` : '';
  if (known.length === 1) return `${title} was ${formatValue(unit, first)} in the one ${intervalWord[interval]} with enough data, of ${span}${tail}.`;
  const from = formatValue(unit, first);
  const to = formatValue(unit, last);
  const verb = from === to ? `stayed at ${to}` : `${last > first ? 'rose' : 'fell'} from ${from} to ${to}`;
  return `${title} ${verb} over ${span}${gaps}${tail}.`;
}

/** Whether an interval runs past the end of the period: its value covers only part of it. */
export function isPartial(point: InsightsPoint, to: string): boolean {
  return Date.parse(point.end) > Date.parse(to);
}

/** A point's period for a person: `Mar 3` (days, weeks) or `Mar 2026` (months). */
export function periodLabel(start: string, interval: InsightsInterval): string {
  const date = new Date(start);
  return interval === 'month'
    ? date.toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' })
    : date.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}
