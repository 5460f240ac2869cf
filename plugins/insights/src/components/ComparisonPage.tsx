import { useEffect, useState } from 'react';
import { Box, Button, Chip, FormControlLabel, Link, MenuItem, Stack, Switch, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { EmptyState, Progress, useAsync } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { entityRoute, humanizeEntityRef } from '@portico/plugin-catalog-react';
import { INSIGHTS_METRIC_IDS, INSIGHTS_METRICS, insightsMetricIdSchema, type InsightsComparisonResponse } from '@portico/plugin-insights-common';
import { Link as RouterLink } from 'react-router';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { insightsApiRef } from '../api/InsightsApi';
import { insightsQuery } from '../api/InsightsClient';
import { ChartOrTable } from './ChartOrTable';
import { DefinitionText } from './DefinitionText';
import { InsightsErrorPanel } from './InsightsErrorPanel';
import { axisUnit, bandColor, bandLabel, chartValue, formatValue } from './metricText';
import { PeriodPicker } from './PeriodPicker';
import { useInsightsPeriod } from './useInsightsPeriod';

type Row = InsightsComparisonResponse['rows'][number];

const teamName = (row: Row) => row.title ?? humanizeEntityRef(row.groupRef, { defaultKind: 'group' });

/** A sentence for those who do not see the bars: the best and the worst team with a value, and how many have none. */
export function comparisonSummary(comparison: InsightsComparisonResponse): string {
  const valued = comparison.rows.filter((r): r is Row & { value: number } => r.value !== null);
  const missing = comparison.rows.length - valued.length;
  const none = missing ? `; ${missing} team${missing === 1 ? ' has' : 's have'} not enough data` : '';
  if (!valued.length) return `No team has enough data for ${comparison.title} in this period.`;
  const best = valued[0];
  const worst = valued[valued.length - 1];
  const fmt = (r: Row & { value: number }) => `${teamName(r)} (${formatValue(comparison.unit, r.value)}${r.band ? `, ${r.band}` : ''})`;
  if (valued.length === 1) return `${comparison.title}: only ${fmt(best)} has a value${none}.`;
  return `${comparison.title} across ${valued.length} teams: best ${fmt(best)}, last ${fmt(worst)}${none}.`;
}

/** One metric for every team, best first: a bar chart with a table view. Teams only: nothing here is per person. */
export function ComparisonPage() {
  const insightsApi = useApi(insightsApiRef);
  const period = useInsightsPeriod();
  const parsedMetric = insightsMetricIdSchema.safeParse(period.param('metric'));
  const metric = parsedMetric.success ? parsedMetric.data : 'deploymentFrequency';
  const subTeams = period.flag('subTeams');
  const { value, error, loading, retry } = useAsync(
    () => insightsApi.compareTeams({ metric, from: period.from, to: period.to, subTeams }),
    [insightsApi, metric, period.from, period.to, subTeams],
  );
  const definition = INSIGHTS_METRICS[metric];
  const [csvUrl, setCsvUrl] = useState<string>();
  const csvQuery = insightsQuery({ from: period.from, to: period.to }, { metric, subTeams: subTeams ? 'true' : undefined }).toString();
  useEffect(() => {
    insightsApi.getCsvUrl('compare', new URLSearchParams(csvQuery)).then(setCsvUrl, () => setCsvUrl(undefined));
  }, [insightsApi, csvQuery]);

  return (
    <Box component="main" sx={{ p: 3 }}>
      <Typography component="h1" variant="h4" gutterBottom>
        Insights
      </Typography>
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        Compare teams on one metric over their components. Numbers are about services and teams; no per-person view is offered.
      </Typography>
      <Stack direction="row" spacing={2} useFlexGap sx={{ mb: 2, alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <TextField select size="small" label="Metric" value={metric} onChange={e => period.setParam('metric', e.target.value)} sx={{ minWidth: 240 }}>
          {INSIGHTS_METRIC_IDS.map(id => (
            <MenuItem key={id} value={id}>
              {INSIGHTS_METRICS[id].title}
            </MenuItem>
          ))}
        </TextField>
        <PeriodPicker period={period} showInterval={false} />
        <FormControlLabel control={<Switch checked={subTeams} onChange={e => period.setFlag('subTeams', e.target.checked)} />} label="Include sub-teams" />
        {csvUrl && (
          <Button size="small" href={csvUrl} download>
            Download CSV
          </Button>
        )}
      </Stack>
      <Typography variant="body2" sx={{ mb: 2 }}>
        <DefinitionText text={definition.definition} /> {definition.lowerIsBetter ? 'Lower is better.' : 'Higher is better.'}
      </Typography>
      {error && <InsightsErrorPanel error={error} onRetry={retry} />}
      {loading && !value && <Progress label="Loading the comparison" />}
      {!error && value && value.rows.length === 0 && <EmptyState title="No team has events in this period">Teams appear once their components have deployments, pull requests or incidents.</EmptyState>}
      {!error && value && value.rows.length > 0 && <Comparison comparison={value} />}
    </Box>
  );
}

function Comparison({ comparison }: { comparison: InsightsComparisonResponse }) {
  const data = comparison.rows.map(r => ({ team: teamName(r), value: chartValue(comparison.unit, r.value) }));
  return (
    <ChartOrTable
      title={`${comparison.title} by team`}
      summary={comparisonSummary(comparison)}
      chart={
        <ResponsiveContainer width="100%" height={Math.max(160, 36 * data.length + 40)} initialDimension={{ width: 640, height: Math.max(160, 36 * data.length + 40) }}>
          <BarChart data={data} layout="vertical" margin={{ top: 8, right: 24, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" unit={axisUnit[comparison.unit]} />
            <YAxis type="category" dataKey="team" width={140} />
            <Tooltip />
            <Bar dataKey="value" name={comparison.title} fill="#1976d2" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      }
      table={
        <Table size="small" aria-label={`${comparison.title} by team`}>
          <TableHead>
            <TableRow>
              <TableCell>Team</TableCell>
              <TableCell align="right">{comparison.title}</TableCell>
              <TableCell>DORA band</TableCell>
              <TableCell align="right">Entities</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {comparison.rows.map(r => (
              <TableRow key={r.groupRef}>
                <TableCell component="th" scope="row">
                  <Link component={RouterLink} to={entityRoute(r.groupRef, { subPath: 'insights' }) ?? '#'}>
                    {teamName(r)}
                  </Link>
                </TableCell>
                <TableCell align="right">{r.value === null ? `Not enough data${r.insufficientData ? `: ${r.insufficientData}` : ''}` : formatValue(comparison.unit, r.value)}</TableCell>
                <TableCell>{r.band ? <Chip size="small" label={bandLabel[r.band]} color={bandColor[r.band]} /> : '—'}</TableCell>
                <TableCell align="right">{r.entities}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      }
    />
  );
}

export default ComparisonPage;
