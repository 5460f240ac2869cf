import {
  Box,
  Button,
  Card,
  CardContent,
  CardHeader,
  Grid,
  LinearProgress,
  Link,
  List,
  ListItem,
  ListItemText,
  Typography,
} from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import type { Initiative, InitiativeEntityActionState } from '@portico/plugin-scorecards-common';
import { useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { useAsync } from '@portico/core-components';
import { LazyInitiativeProgressChart } from '../charts/lazyCharts';
import { levelLabel, percent } from '../shared/levels';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import { EntityLink } from '../shared/EntityLink';
import { useEntityTitles } from '../shared/useEntityTitles';
import { scorecardRoute } from '../shared/routes';
import { EmptyState, ErrorPanel, Progress, SafeLink } from '@portico/core-components';

const DAY = 24 * 3600 * 1000;
/** How many entities below the target a card lists per page. */
const FAILING_PAGE_SIZE = 10;

/** "12 days left", "due today", "3 days overdue". */
export function timeLeft(deadline: string, now = Date.now()): string {
  const days = Math.ceil((Date.parse(deadline) - now) / DAY);
  if (days > 1) return `${days} days left`;
  if (days === 1) return '1 day left';
  if (days === 0) return 'due today';
  return `${-days} ${days === -1 ? 'day' : 'days'} overdue`;
}

/** What the initiative's actions recorded for an entity: its linked tickets, and why one could not be opened. */
function LinkedTickets({ entityRef, actions }: { entityRef: string; actions?: InitiativeEntityActionState[] }) {
  const links = (actions ?? []).flatMap(a => (a.link ? [a.link] : []));
  const errors = (actions ?? []).flatMap(a => (a.error ? [a.error] : []));
  const pending = (actions ?? []).some(a => a.state === 'pending');
  if (!links.length && !errors.length && !pending) return null;
  return (
    <Box component="span" sx={{ display: 'block' }} aria-label={`Linked tickets of ${humanizeEntityRef(entityRef)}`}>
      {links.length ? 'Linked tickets: ' : null}
      {links.map((link, i) => (
        <span key={`${link.type}-${link.key}`}>
          {i ? ', ' : null}
          <SafeLink url={link.url} external>
            {link.key}
          </SafeLink>
        </span>
      ))}
      {pending && !links.length ? 'Opening a ticket…' : null}
      {errors.map(error => (
        <Box component="span" key={error} sx={{ display: 'block', color: 'error.main' }}>
          Could not open a ticket: {error}
        </Box>
      ))}
    </Box>
  );
}

function InitiativeCard({ initiative }: { initiative: Initiative }) {
  const api = useApi(scorecardsApiRef);
  // the chart's code loads with the progress, so the chart renders once both are there
  const progress = useAsync(
    async () => (await Promise.all([api.getInitiativeProgress(initiative.id), LazyInitiativeProgressChart.preload()]))[0],
    [api, initiative.id],
  );
  const [page, setPage] = useState(0);
  const failingCount = progress.value?.failing.length ?? 0;
  // A later load can have fewer entities below the target: stay on the last page that exists.
  const pageShown = Math.min(page, Math.max(0, Math.ceil(failingCount / FAILING_PAGE_SIZE) - 1));
  const first = pageShown * FAILING_PAGE_SIZE;
  const shownFailing = (progress.value?.failing ?? []).slice(first, first + FAILING_PAGE_SIZE);
  const titles = useEntityTitles(shownFailing.map(f => f.entityRef));
  return (
    <Card component="section" aria-label={initiative.title} variant="outlined">
      <CardHeader
        title={initiative.title}
        slotProps={{ title: { component: 'h2', variant: 'h6' } }}
        subheader={
          <>
            Reach {initiative.targetLevel} on{' '}
            <Link component={RouterLink} to={scorecardRoute(initiative.scorecardRef)}>
              {humanizeEntityRef(initiative.scorecardRef, { defaultKind: 'scorecard' })}
            </Link>{' '}
            by {initiative.deadline.slice(0, 10)} ({timeLeft(initiative.deadline)})
          </>
        }
      />
      <CardContent>
        {initiative.description ? <Typography sx={{ mb: 2 }}>{initiative.description}</Typography> : null}
        {progress.loading ? (
          <Progress label={`Loading the progress of ${initiative.title}`} />
        ) : progress.error ? (
          <ErrorPanel title="Could not load the progress" error={progress.error} onRetry={progress.retry} />
        ) : (
          <Grid container spacing={2}>
            <Grid size={{ xs: 12, md: 7 }}>
              <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mb: 1 }}>
                <LinearProgress
                  variant="determinate"
                  value={progress.value.share * 100}
                  aria-label={`Share of entities at ${initiative.targetLevel} or above`}
                  sx={{ flexGrow: 1, height: 8, borderRadius: 4 }}
                />
                <Typography variant="body2">
                  {percent(progress.value.share)} ({progress.value.atOrAbove} of {progress.value.total})
                </Typography>
              </Box>
              <LazyInitiativeProgressChart progress={progress.value} />
            </Grid>
            <Grid size={{ xs: 12, md: 5 }}>
              <Typography variant="subtitle2" component="h3">
                Still below {initiative.targetLevel}
              </Typography>
              {progress.value.failing.length === 0 ? (
                <Typography color="text.secondary">Every entity has reached the target.</Typography>
              ) : (
                <List dense aria-label={`Entities below the target of ${initiative.title}`}>
                  {shownFailing.map(f => (
                    <ListItem key={f.entityRef} disableGutters>
                      <ListItemText
                        primary={<EntityLink entityRef={f.entityRef} title={titles.get(f.entityRef)} />}
                        secondary={
                          <>
                            {`${levelLabel(f.level)}${f.owner ? ` · ${humanizeEntityRef(f.owner, { defaultKind: 'group' })}` : ''}`}
                            <LinkedTickets entityRef={f.entityRef} actions={f.actions} />
                          </>
                        }
                      />
                    </ListItem>
                  ))}
                </List>
              )}
              {failingCount > FAILING_PAGE_SIZE ? (
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }} role="group" aria-label={`Pages of entities below the target of ${initiative.title}`}>
                  <Typography variant="body2" color="text.secondary" aria-live="polite">
                    {`${first + 1}–${first + shownFailing.length} of ${failingCount}`}
                  </Typography>
                  <Button size="small" disabled={pageShown === 0} onClick={() => setPage(pageShown - 1)}>
                    Previous page
                  </Button>
                  <Button size="small" disabled={first + FAILING_PAGE_SIZE >= failingCount} onClick={() => setPage(pageShown + 1)}>
                    Next page
                  </Button>
                </Box>
              ) : null}
            </Grid>
          </Grid>
        )}
      </CardContent>
    </Card>
  );
}

/** `/scorecards/initiatives` (or `/initiatives/:id` for one): progress toward each initiative's deadline. */
export function InitiativesPage() {
  const api = useApi(scorecardsApiRef);
  const { id } = useParams();
  const initiatives = useAsync(() => api.getInitiatives(), [api]);
  if (initiatives.loading) return <Progress label="Loading initiatives" />;
  if (initiatives.error) {
    return <ErrorPanel title="Could not load initiatives" error={initiatives.error} onRetry={initiatives.retry} />;
  }
  const shown = id ? initiatives.value.filter(i => i.id === id) : initiatives.value;
  if (shown.length === 0) {
    return id ? (
      <EmptyState title="No such initiative">It may have been deleted.</EmptyState>
    ) : (
      <EmptyState title="No initiatives yet">
        An initiative sets a target level on a scorecard and a deadline; create one with POST /api/scorecards/initiatives.
      </EmptyState>
    );
  }
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      {shown.map(initiative => (
        <InitiativeCard key={initiative.id} initiative={initiative} />
      ))}
    </Box>
  );
}

export default InitiativesPage;
