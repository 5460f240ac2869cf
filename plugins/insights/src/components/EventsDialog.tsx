import { useEffect, useState } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogTitle, Link, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Progress, SafeLink } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { entityRoute, humanizeEntityRef } from '@portico/plugin-catalog-react';
import { INSIGHTS_METRICS, type InsightsEventsResponse, type InsightsMetricId, type InsightsScope } from '@portico/plugin-insights-common';
import { Link as RouterLink } from 'react-router';
import { insightsApiRef } from '../api/InsightsApi';
import { insightsQuery } from '../api/InsightsClient';
import { DefinitionText } from './DefinitionText';
import { InsightsErrorPanel } from './InsightsErrorPanel';
import { formatValue } from './metricText';

type EventItem = InsightsEventsResponse['items'][number];

const typeLabel: Record<EventItem['type'], string> = { deployment: 'Deployment', pullRequest: 'Pull request', incident: 'Incident' };

/** What the event is, in a few words: a deployment's version and environment, a PR's number and title, an incident's severity. */
function EventName({ item }: { item: EventItem }) {
  const e = item.event as Record<string, unknown>;
  const text = (key: string) => (typeof e[key] === 'string' || typeof e[key] === 'number' ? String(e[key]) : undefined);
  if (item.type === 'pullRequest') {
    const label = `#${text('number') ?? item.id}${text('title') ? ` ${text('title')}` : ''}`;
    const url = text('url');
    return url ? (
      <SafeLink url={url} external>
        {label}
      </SafeLink>
    ) : (
      <>{label}</>
    );
  }
  if (item.type === 'deployment') return <>{[text('version') ?? item.id, text('environment'), text('status')].filter(Boolean).join(' · ')}</>;
  return <>{[item.id, text('severity')].filter(Boolean).join(' · ')}</>;
}

/** Yes/no metrics count each event as 1 or 0: say which in words. */
const countedAs: Partial<Record<InsightsMetricId, [string, string]>> = { changeFailureRate: ['failure', 'success'], reviewedShare: ['reviewed', 'not reviewed'] };

function contribution(metric: InsightsMetricId, value: number | null): string {
  if (value === null) return '—';
  const words = countedAs[metric];
  if (words && (value === 0 || value === 1)) return value === 1 ? words[0] : words[1];
  const { unit } = INSIGHTS_METRICS[metric];
  return unit === 'hours' || unit === 'lines' ? formatValue(unit, value) : String(value);
}

/** The events behind a metric's number over a scope and period, each with why it counted as it did; paged. */
export function EventsDialog({ scope, metric, from, to, onClose }: { scope: InsightsScope; metric: InsightsMetricId; from: string; to: string; onClose: () => void }) {
  const insightsApi = useApi(insightsApiRef);
  const [items, setItems] = useState<EventItem[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [csvUrl, setCsvUrl] = useState<string>();
  const title = INSIGHTS_METRICS[metric].title;

  const load = (after?: string) => {
    setLoading(true);
    setError(undefined);
    insightsApi.getEvents({ scope, metric, from, to, cursor: after }).then(
      page => {
        setItems(prev => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setLoading(false);
      },
      (e: Error) => {
        setError(e);
        setLoading(false);
      },
    );
  };

  useEffect(() => {
    load();
    insightsApi.getCsvUrl('events', insightsQuery({ scope, from, to }, { metric })).then(setCsvUrl, () => setCsvUrl(undefined));
  }, [insightsApi, scope.type, scope.ref, scope.subTeams, metric, from, to]);

  return (
    <Dialog open onClose={onClose} maxWidth="lg" fullWidth aria-labelledby="insights-events-title">
      <DialogTitle id="insights-events-title">Why? The events behind {title}</DialogTitle>
      <DialogContent>
        <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
          <DefinitionText text={INSIGHTS_METRICS[metric].definition} />
        </Typography>
        {error && <InsightsErrorPanel error={error} onRetry={() => load()} />}
        {!error && !loading && items.length === 0 && <Alert severity="info">No events count towards {title} in this period.</Alert>}
        {items.length > 0 && (
          <Table size="small" aria-label={`Events behind ${title}`}>
            <TableHead>
              <TableRow>
                <TableCell>Type</TableCell>
                <TableCell>Event</TableCell>
                <TableCell>Entity</TableCell>
                <TableCell>At</TableCell>
                <TableCell>Counts as</TableCell>
                <TableCell>Reason</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(item => (
                <TableRow key={`${item.type}:${item.source}:${item.id}`}>
                  <TableCell>{typeLabel[item.type]}</TableCell>
                  <TableCell>
                    <EventName item={item} />
                  </TableCell>
                  <TableCell>
                    <Link component={RouterLink} to={entityRoute(item.entityRef) ?? '#'}>
                      {humanizeEntityRef(item.entityRef, { defaultKind: 'component' })}
                    </Link>
                  </TableCell>
                  <TableCell>{new Date(item.at).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' })}</TableCell>
                  <TableCell>{contribution(metric, item.value)}</TableCell>
                  <TableCell>{item.reason}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {loading && <Progress label="Loading events" />}
      </DialogContent>
      <DialogActions>
        {csvUrl && (
          <Button href={csvUrl} download>
            Download CSV
          </Button>
        )}
        {cursor && !loading && <Button onClick={() => load(cursor)}>Load more</Button>}
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
