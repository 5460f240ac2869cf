import { useEffect, useMemo, useState } from 'react';
import { Box, Button, FormControlLabel, Grid, Stack, Switch, Typography } from '@mui/material';
import type { Entity } from '@portico/catalog-model';
import { stringifyEntityRef } from '@portico/catalog-model';
import { Progress, useAsync } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { useEntity } from '@portico/plugin-catalog-react';
import { DORA_METRIC_IDS, INSIGHTS_METRIC_IDS, type InsightsMetric, type InsightsMetricId, type InsightsScope } from '@portico/plugin-insights-common';
import { insightsApiRef } from '../api/InsightsApi';
import { insightsQuery } from '../api/InsightsClient';
import { BreakdownTable } from './BreakdownTable';
import { EventsDialog } from './EventsDialog';
import { InsightsErrorPanel } from './InsightsErrorPanel';
import { MetricChart } from './MetricChart';
import { MetricTile } from './MetricTile';
import { PeriodPicker } from './PeriodPicker';
import { useInsightsPeriod } from './useInsightsPeriod';

const PR_METRIC_IDS = INSIGHTS_METRIC_IDS.filter(id => !DORA_METRIC_IDS.includes(id));

/** What an entity's tab is computed over: the component itself, or a team's, a system's or a domain's components. */
export function scopeOf(entity: Entity, subTeams: boolean): InsightsScope {
  const ref = stringifyEntityRef(entity);
  switch (entity.kind.toLocaleLowerCase('en-US')) {
    case 'group':
      return { type: 'group', ref, subTeams };
    case 'system':
      return { type: 'system', ref };
    case 'domain':
      return { type: 'domain', ref };
    default:
      return { type: 'entity', ref };
  }
}

/** "Over 2 components", "Over 2 components and 1 other entity": what a team's, system's or domain's numbers cover. */
function coverage(refs: string[]): string {
  const components = refs.filter(r => r.toLocaleLowerCase('en-US').startsWith('component:')).length;
  const others = refs.length - components;
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return `Over ${plural(components, 'component', 'components')}${others ? ` and ${plural(others, 'other entity', 'other entities')}` : ''}`;
}

/** A link to the CSV export of a route with a query, once its URL is known. */
function CsvLink({ route, query, label }: { route: 'metrics' | 'breakdown'; query: URLSearchParams; label: string }) {
  const insightsApi = useApi(insightsApiRef);
  const [url, setUrl] = useState<string>();
  const key = query.toString();
  useEffect(() => {
    insightsApi.getCsvUrl(route, query).then(setUrl, () => setUrl(undefined));
  }, [insightsApi, route, key]);
  if (!url) return null;
  return (
    <Button size="small" href={url} download>
      {label}
    </Button>
  );
}

/**
 * The Insights tab: the four DORA keys as tiles and charts, then pull-request flow, over the period in the URL. On a
 * team, system or domain the numbers cover its components, and a breakdown lists each component.
 */
export function InsightsTab() {
  const { entity } = useEntity();
  const insightsApi = useApi(insightsApiRef);
  const period = useInsightsPeriod();
  const subTeams = period.flag('subTeams');
  const scope = useMemo(() => scopeOf(entity, subTeams), [entity, subTeams]);
  const deps = [insightsApi, scope, period.from, period.to];
  const metrics = useAsync(() => insightsApi.getMetrics({ scope, from: period.from, to: period.to, interval: period.interval }), [...deps, period.interval]);
  const breakdown = useAsync(async () => (scope.type === 'entity' ? undefined : insightsApi.getBreakdown({ scope, from: period.from, to: period.to })), deps);
  const [why, setWhy] = useState<InsightsMetricId>();
  const query = insightsQuery({ scope, from: period.from, to: period.to }, { interval: period.interval });

  const byId = new Map<InsightsMetricId, InsightsMetric>((metrics.value?.metrics ?? []).map(m => [m.id, m]));
  const section = (id: string, title: string, ids: readonly InsightsMetricId[]) => {
    const shown = ids.map(i => byId.get(i)).filter((m): m is InsightsMetric => Boolean(m));
    if (!shown.length) return null;
    return (
      <Box component="section" aria-labelledby={id}>
        <Typography id={id} variant="h6" component="h2" gutterBottom>
          {title}
        </Typography>
        <Grid container spacing={2}>
          {shown.map(m => (
            <Grid key={m.id} size={{ xs: 12, sm: 6, lg: 3 }}>
              <MetricTile metric={m} days={period.days} onWhy={() => setWhy(m.id)} />
            </Grid>
          ))}
        </Grid>
        <Grid container spacing={3} sx={{ mt: 1 }}>
          {shown.map(m => (
            <Grid key={m.id} size={{ xs: 12, md: 6 }}>
              <MetricChart metric={m} interval={metrics.value!.interval} to={metrics.value!.to} />
            </Grid>
          ))}
        </Grid>
      </Box>
    );
  };

  return (
    <Stack spacing={3}>
      <Stack direction="row" spacing={2} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
        <PeriodPicker period={period} />
        {scope.type === 'group' && (
          <FormControlLabel control={<Switch checked={subTeams} onChange={e => period.setFlag('subTeams', e.target.checked)} />} label="Include sub-teams" />
        )}
        <CsvLink route="metrics" query={query} label="Download CSV" />
      </Stack>
      {metrics.error && <InsightsErrorPanel error={metrics.error} onRetry={metrics.retry} />}
      {metrics.loading && !metrics.value && <Progress label="Loading insights" />}
      {!metrics.error && metrics.value && (
        <>
          {scope.type !== 'entity' && (
            <Typography color="text.secondary">
              {coverage(metrics.value.entityRefs)}
              {scope.type === 'group' ? (subTeams ? ' owned by the team and its sub-teams' : ' owned by the team') : ` of the ${scope.type}`}.
            </Typography>
          )}
          {section('insights-dora', 'DORA keys', DORA_METRIC_IDS)}
          {section('insights-pull-requests', 'Pull requests', PR_METRIC_IDS)}
        </>
      )}
      {scope.type !== 'entity' && (
        <Box component="section" aria-labelledby="insights-breakdown">
          <Stack direction="row" sx={{ justifyContent: 'space-between', alignItems: 'center' }}>
            <Typography id="insights-breakdown" variant="h6" component="h2">
              Breakdown by entity
            </Typography>
            <CsvLink route="breakdown" query={insightsQuery({ scope, from: period.from, to: period.to })} label="Download breakdown CSV" />
          </Stack>
          {breakdown.error && !metrics.error && <InsightsErrorPanel error={breakdown.error} onRetry={breakdown.retry} />}
          {breakdown.loading && !breakdown.value && <Progress label="Loading the breakdown" />}
          {!breakdown.error && breakdown.value && (breakdown.value.rows.length ? <BreakdownTable breakdown={breakdown.value} /> : <Typography>No entities in scope.</Typography>)}
        </Box>
      )}
      {why && <EventsDialog scope={scope} metric={why} from={period.from} to={period.to} onClose={() => setWhy(undefined)} />}
    </Stack>
  );
}

export default InsightsTab;
