import { Alert, Chip, List, ListItem, ListItemText, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { getCompoundEntityRef } from '@portico/catalog-model';
import { Progress, SafeLink, useAsync } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { useEntity } from '@portico/plugin-catalog-react';
import type { PagerDutyAnalytics, PagerDutyEntitySummary, PagerDutyIncident } from '@portico/plugin-pagerduty-common';
import { pagerdutyApiRef } from '../api/PagerDutyApi';
import { formatDuration } from './formatDuration';
import { PagerDutyErrorPanel } from './PagerDutyErrorPanel';
import { ReliabilityChart } from './ReliabilityChart';

const statusColor: Record<PagerDutyIncident['status'], 'error' | 'warning' | 'success'> = { triggered: 'error', acknowledged: 'warning', resolved: 'success' };

/** The service's open and recently resolved incidents, a timeline of incidents and change events, and MTTA/MTTR over 30 days. */
export function IncidentsTab() {
  const { entity } = useEntity();
  const pagerdutyApi = useApi(pagerdutyApiRef);
  const ref = getCompoundEntityRef(entity);
  const { value: summary, error, loading, retry } = useAsync(() => pagerdutyApi.getEntitySummary(ref), [pagerdutyApi, ref.kind, ref.namespace, ref.name]);

  if (error) return <PagerDutyErrorPanel error={error} onRetry={retry} />;
  if (loading && !summary) return <Progress label="Loading incidents" />;
  if (!summary) return null;
  return (
    <Stack spacing={3}>
      <section aria-labelledby="pagerduty-open-incidents">
        <Typography id="pagerduty-open-incidents" variant="h6" component="h2">
          Open incidents of{' '}
          <SafeLink url={summary.service.htmlUrl} external>
            {summary.service.name}
          </SafeLink>
        </Typography>
        <OpenIncidents incidents={summary.openIncidents} />
      </section>
      <section aria-labelledby="pagerduty-recent-incidents">
        <Typography id="pagerduty-recent-incidents" variant="h6" component="h2">
          Recently resolved
        </Typography>
        <RecentIncidents incidents={summary.recentIncidents} />
      </section>
      <section aria-labelledby="pagerduty-timeline">
        <Typography id="pagerduty-timeline" variant="h6" component="h2">
          Incidents and changes
        </Typography>
        <Timeline summary={summary} />
      </section>
      <section aria-labelledby="pagerduty-analytics">
        <Typography id="pagerduty-analytics" variant="h6" component="h2">
          Last 30 days
        </Typography>
        <Analytics analytics={summary.analytics} analyticsError={summary.analyticsError} />
      </section>
    </Stack>
  );
}

function OpenIncidents({ incidents }: { incidents: PagerDutyIncident[] }) {
  if (!incidents.length) return <Typography>No open incidents.</Typography>;
  return (
    <Table size="small" aria-label="Open incidents">
      <TableHead>
        <TableRow>
          <TableCell>Incident</TableCell>
          <TableCell>Urgency</TableCell>
          <TableCell>Status</TableCell>
          <TableCell>Assignees</TableCell>
          <TableCell>Age</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {incidents.map(incident => (
          <TableRow key={incident.id}>
            <IncidentCells incident={incident} />
            <TableCell>
              <Chip size="small" variant="outlined" label={incident.status} color={statusColor[incident.status]} />
            </TableCell>
            <TableCell>{incident.assignees.map(a => a.name).join(', ') || 'nobody'}</TableCell>
            <TableCell>{formatDuration(incident.ageSeconds)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The link and urgency cells every incident row starts with. */
function IncidentCells({ incident }: { incident: PagerDutyIncident }) {
  return (
    <>
      <TableCell>
        <SafeLink url={incident.htmlUrl} external>
          #{incident.number} {incident.title}
        </SafeLink>
      </TableCell>
      <TableCell>
        <Chip size="small" label={incident.urgency === 'high' ? 'High' : 'Low'} color={incident.urgency === 'high' ? 'error' : 'default'} />
      </TableCell>
    </>
  );
}

/** Resolved incidents created in the last 7 days, newest first. */
function RecentIncidents({ incidents }: { incidents: PagerDutyIncident[] }) {
  if (!incidents.length) return <Typography>No incident resolved among those of the last 7 days.</Typography>;
  return (
    <Table size="small" aria-label="Recently resolved incidents">
      <TableHead>
        <TableRow>
          <TableCell>Incident</TableCell>
          <TableCell>Urgency</TableCell>
          <TableCell>Opened</TableCell>
          <TableCell>Resolved after</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {incidents.map(incident => (
          <TableRow key={incident.id}>
            <IncidentCells incident={incident} />
            <TableCell>{new Date(incident.createdAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}</TableCell>
            <TableCell>{incident.resolvedAt ? formatDuration(Math.max(0, (Date.parse(incident.resolvedAt) - Date.parse(incident.createdAt)) / 1000)) : 'unknown'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

type TimelineEntry = { key: string; at: string; primary: ReactNode; secondary: string };

/** Open and recently resolved incidents and the last 7 days of change events, newest first, so a deploy next to an incident stands out. */
function Timeline({ summary }: { summary: PagerDutyEntitySummary }) {
  const entries: TimelineEntry[] = [
    ...[...summary.openIncidents, ...(summary.recentIncidents)].map(i => ({
      key: `incident-${i.id}`,
      at: i.createdAt,
      primary: (
        <>
          Incident{' '}
          <SafeLink url={i.htmlUrl} external>
            #{i.number} {i.title}
          </SafeLink>
        </>
      ),
      secondary: `${i.urgency} urgency, ${i.status}`,
    })),
    ...summary.changeEvents.map(c => ({
      key: `change-${c.id}`,
      at: c.timestamp,
      primary: (
        <>
          Change {c.summary}
          {c.links.map(l => (
            <span key={l.href}>
              {' · '}
              <SafeLink url={l.href} external>
                {l.text ?? l.href}
              </SafeLink>
            </span>
          ))}
        </>
      ),
      secondary: c.source ? `from ${c.source}` : 'change event',
    })),
  ].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  if (!entries.length) return <Typography>No open or recent incidents and no change events in the last 7 days.</Typography>;
  return (
    <List dense aria-label="Incidents and change events, newest first">
      {entries.map(e => (
        <ListItem key={e.key} disableGutters>
          <ListItemText primary={e.primary} secondary={`${new Date(e.at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}, ${e.secondary}`} />
        </ListItem>
      ))}
    </List>
  );
}

function Analytics({ analytics, analyticsError }: { analytics: PagerDutyAnalytics | null; analyticsError?: string }) {
  if (!analytics) return <Alert severity="info">Analytics are not available{analyticsError ? `: ${analyticsError}` : '.'}</Alert>;
  if (analytics.totalIncidents === 0) return <Typography>No incidents in the last 30 days.</Typography>;
  return (
    <Stack spacing={1}>
      <Typography>
        {analytics.totalIncidents} incident{analytics.totalIncidents === 1 ? '' : 's'}
        {analytics.totalHighUrgencyIncidents !== null ? ` (${analytics.totalHighUrgencyIncidents} high urgency)` : ''}; MTTA{' '}
        {analytics.meanSecondsToFirstAck === null ? 'unknown' : formatDuration(analytics.meanSecondsToFirstAck)}, MTTR{' '}
        {analytics.meanSecondsToResolve === null ? 'unknown' : formatDuration(analytics.meanSecondsToResolve)}.
      </Typography>
      <ReliabilityChart analytics={analytics} />
    </Stack>
  );
}

export default IncidentsTab;
