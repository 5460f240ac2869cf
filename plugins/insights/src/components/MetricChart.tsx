import { Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import type { InsightsInterval, InsightsMetric } from '@portico/plugin-insights-common';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartOrTable } from './ChartOrTable';
import { axisUnit, chartValue, formatValue, isPartial, periodLabel, seriesSummary } from './metricText';

/** A metric's series per interval as a line (gaps where an interval has too little data), with a table view and a summary. */
/** `to` is the end of the period: an interval running past it is marked "so far" and left out of the summary. */
export function MetricChart({ metric, interval, to }: { metric: InsightsMetric; interval: InsightsInterval; to?: string }) {
  const data = metric.series.map(p => ({ period: periodLabel(p.start, interval), value: chartValue(metric.unit, p.value) }));
  return (
    <ChartOrTable
      title={`${metric.title} per ${interval}`}
      summary={seriesSummary(metric.id, metric.series, interval, metric.band, to)}
      chart={
        <ResponsiveContainer width="100%" height={180} initialDimension={{ width: 480, height: 180 }}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="period" minTickGap={16} />
            <YAxis width={72} tickFormatter={(v: number) => `${Number(v.toFixed(2))}${axisUnit[metric.unit]}`} />
            <Tooltip />
            <Line type="monotone" dataKey="value" name={metric.title} stroke="#1976d2" dot isAnimationActive={false} connectNulls={false} />
          </LineChart>
        </ResponsiveContainer>
      }
      table={
        <Table size="small" aria-label={`${metric.title} per ${interval}`}>
          <TableHead>
            <TableRow>
              <TableCell>{interval === 'day' ? 'Day' : interval === 'week' ? 'Week of' : 'Month'}</TableCell>
              <TableCell>{metric.title}</TableCell>
              <TableCell align="right">Events</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {metric.series.map(p => (
              <TableRow key={p.start}>
                <TableCell>
                  {periodLabel(p.start, interval)}
                  {to && isPartial(p, to) ? ' (so far)' : ''}
                </TableCell>
                <TableCell>{p.value === null ? `Not enough data${p.insufficientData ? `: ${p.insufficientData}` : ''}` : formatValue(metric.unit, p.value)}</TableCell>
                <TableCell align="right">{p.sampleSize}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      }
    />
  );
}
