import {
  INSIGHTS_METRIC_IDS,
  type InsightsBreakdownResponse,
  type InsightsComparisonResponse,
  type InsightsEventsResponse,
  type InsightsMetricsResponse,
} from '@portico/plugin-insights-common';

type Cell = string | number | boolean | null | undefined;

/** Characters that make a spreadsheet read a cell as a formula (or, for tab and CR, shift it into one). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): text in double quotes with quotes doubled; a text starting like a formula (= + - @) gets
 * a leading `'` so a spreadsheet shows it instead of running it. Numbers are written bare; empty for no value.
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/** A CSV document: a header row then the rows, CRLF line ends. */
export function csvTable(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map(row => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** `/metrics` as CSV: per metric, a row for the period, one for the previous period, one per interval. */
export function metricsCsv(answer: InsightsMetricsResponse): string {
  const rows: Cell[][] = [];
  for (const m of answer.metrics) {
    rows.push([m.id, m.title, m.unit, 'period', answer.from, answer.to, m.value, m.band, m.sampleSize, m.insufficientData]);
    rows.push([m.id, m.title, m.unit, 'previous', null, answer.from, m.previous.value, null, m.previous.sampleSize, m.previous.insufficientData]);
    for (const p of m.series) rows.push([m.id, m.title, m.unit, answer.interval, p.start, p.end, p.value, null, p.sampleSize, p.insufficientData]);
  }
  return csvTable(['metric', 'title', 'unit', 'row', 'start', 'end', 'value', 'band', 'sampleSize', 'insufficientData'], rows);
}

/** `/breakdown` as CSV: one row per entity, a value and a sample-size column per metric. */
export function breakdownCsv(answer: InsightsBreakdownResponse): string {
  const header = ['entityRef', 'title', ...INSIGHTS_METRIC_IDS.flatMap(id => [id, `${id}.sampleSize`])];
  const rows = answer.rows.map(r => [r.entityRef, r.title, ...INSIGHTS_METRIC_IDS.flatMap(id => [r.metrics[id]?.value, r.metrics[id]?.sampleSize])]);
  return csvTable(header, rows);
}

/** `/compare` as CSV: one row per team. */
export function comparisonCsv(answer: InsightsComparisonResponse): string {
  return csvTable(
    ['groupRef', 'title', 'metric', 'unit', 'from', 'to', 'entities', 'value', 'band', 'sampleSize', 'insufficientData'],
    answer.rows.map(r => [r.groupRef, r.title, answer.metric, answer.unit, answer.from, answer.to, r.entities, r.value, r.band, r.sampleSize, r.insufficientData]),
  );
}

/** `/events` as CSV: one row per event of the page (the next page's cursor is in the X-Next-Cursor header). */
export function eventsCsv(answer: InsightsEventsResponse): string {
  return csvTable(
    ['metric', 'type', 'source', 'id', 'entityRef', 'at', 'value', 'reason'],
    answer.items.map(i => [answer.metric, i.type, i.source, i.id, i.entityRef, i.at, i.value, i.reason]),
  );
}
