import { Alert, Box, Card, CardContent, CardHeader, Grid, Link, Typography } from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import type { ScorecardSummary } from '@portico/plugin-scorecards-common';
import { Link as RouterLink } from 'react-router';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { useAsync } from '@portico/core-components';
import { LevelDistributionChart } from '../charts/LevelDistributionChart';
import { LazyTrendChart } from '../charts/lazyCharts';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import { scorecardRoute } from '../shared/routes';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';

function ScorecardTrend({ scorecard, title }: { scorecard: ScorecardSummary; title: string }) {
  const api = useApi(scorecardsApiRef);
  // the chart's code loads with the points, so the chart renders once both are there
  const trends = useAsync(async () => (await Promise.all([api.getTrends(scorecard.ref), LazyTrendChart.preload()]))[0], [api, scorecard.ref]);
  if (trends.loading) return <Progress label={`Loading the trend of ${title}`} />;
  if (trends.error) return <ErrorPanel title="Could not load the trend" error={trends.error} onRetry={trends.retry} />;
  if (trends.value.length === 0) return <Typography color="text.secondary">No history yet.</Typography>;
  return <LazyTrendChart title={title} levels={scorecard.spec.levels} points={trends.value} />;
}

function ScorecardCard({ scorecard }: { scorecard: ScorecardSummary }) {
  const title = scorecard.title ?? scorecard.name;
  const total = Object.values(scorecard.distribution).reduce((sum, n) => sum + n, 0);
  return (
    <Card component="section" aria-label={title} variant="outlined">
      <CardHeader
        title={
          <Link component={RouterLink} to={scorecardRoute(scorecard.ref)}>
            {title}
          </Link>
        }
        slotProps={{ title: { component: 'h2', variant: 'h6' } }}
        subheader={[
          scorecard.spec.owner ? `Owned by ${humanizeEntityRef(scorecard.spec.owner, { defaultKind: 'group' })}` : undefined,
          `${total} ${total === 1 ? 'entity' : 'entities'}`,
          `${scorecard.spec.rules.length} ${scorecard.spec.rules.length === 1 ? 'rule' : 'rules'}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      />
      <CardContent>
        {scorecard.description ? <Typography sx={{ mb: 2 }}>{scorecard.description}</Typography> : null}
        {scorecard.errors.length > 0 ? (
          <Alert severity="error" sx={{ mb: 2 }}>
            This scorecard cannot evaluate: {scorecard.errors.join('; ')}
          </Alert>
        ) : null}
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, md: 5 }}>
            <Typography variant="subtitle2" component="h3">
              Entities by level
            </Typography>
            <LevelDistributionChart title={title} levels={scorecard.spec.levels} distribution={scorecard.distribution} />
          </Grid>
          <Grid size={{ xs: 12, md: 7 }}>
            <Typography variant="subtitle2" component="h3">
              Trend
            </Typography>
            <ScorecardTrend scorecard={scorecard} title={title} />
          </Grid>
        </Grid>
      </CardContent>
    </Card>
  );
}

/** `/scorecards`: every scorecard with its level distribution and its trend. */
export function ScorecardsPage() {
  const api = useApi(scorecardsApiRef);
  const scorecards = useAsync(() => api.getScorecards(), [api]);
  if (scorecards.loading) return <Progress label="Loading scorecards" />;
  if (scorecards.error) {
    return <ErrorPanel title="Could not load scorecards" error={scorecards.error} onRetry={scorecards.retry} />;
  }
  if (scorecards.value.length === 0) {
    return (
      <EmptyState title="No scorecards yet">
        Add an entity of kind Scorecard to the catalog to start measuring entities against rules.
      </EmptyState>
    );
  }
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {scorecards.value.map(scorecard => (
        <ScorecardCard key={scorecard.ref} scorecard={scorecard} />
      ))}
    </Box>
  );
}

export default ScorecardsPage;
