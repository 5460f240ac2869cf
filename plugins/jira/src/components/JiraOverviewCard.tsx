import { Avatar, Box, Card, CardContent, CardHeader, Chip, Stack, Typography } from '@mui/material';
import { stringifyEntityRef } from '@portico/catalog-model';
import { Progress, SafeLink, useAsync } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { useEntity } from '@portico/plugin-catalog-react';
import type { JiraEntitySummary } from '@portico/plugin-jira-common';
import { jiraApiRef } from '../api/JiraApi';
import { byCount, byPriority, plural } from './counts';
import { CreatedResolvedChart } from './CreatedResolvedChart';
import { JiraEntityErrors, JiraErrorPanel } from './JiraErrorPanel';

/** The entity's Jira project at a glance: open issues by type and priority, and created vs resolved over 30 days. */
export function JiraOverviewCard() {
  const { entity } = useEntity();
  const jiraApi = useApi(jiraApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value: summary, error, loading, retry } = useAsync(() => jiraApi.getEntitySummary(entityRef), [jiraApi, entityRef]);

  return (
    <Card variant="outlined" component="section" aria-labelledby="jira-card-title">
      <CardHeader title="Jira issues" slotProps={{ title: { id: 'jira-card-title', component: 'h2', variant: 'h6' } }} />
      <CardContent>
        {error && <JiraErrorPanel error={error} onRetry={retry} />}
        {loading && !summary && <Progress label="Loading Jira issues" />}
        {!error && summary && <Overview summary={summary} entityRef={entityRef} />}
      </CardContent>
    </Card>
  );
}

function Overview({ summary, entityRef }: { summary: JiraEntitySummary; entityRef: string }) {
  const open = Object.values(summary.countsByType).reduce((n, c) => n + c, 0);
  return (
    <Stack spacing={2}>
      <JiraEntityErrors errors={summary.errors} entityRef={entityRef} />
      {summary.projects.length > 0 && (
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
          {summary.projects.map(project => (
            <Box key={`${project.host}/${project.key}`} sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
              {project.avatarUrl ? <Avatar src={project.avatarUrl} alt="" sx={{ width: 24, height: 24 }} variant="rounded" /> : null}
              <Typography>
                <SafeLink url={project.url} external>
                  {project.name} ({project.key})
                </SafeLink>
                {project.lead ? `, lead ${project.lead.displayName}` : ''}
              </Typography>
            </Box>
          ))}
        </Stack>
      )}
      <Typography>{plural(open, 'open issue')}</Typography>
      <CountChips label="Open issues by type" counts={byCount(summary.countsByType)} />
      <CountChips label="Open issues by priority" counts={byPriority(summary.countsByPriority)} />
      {summary.createdVsResolved30d.length > 0 && <CreatedResolvedChart days={summary.createdVsResolved30d} />}
    </Stack>
  );
}

function CountChips({ label, counts }: { label: string; counts: Array<[string, number]> }) {
  if (!counts.length) return null;
  return (
    <Box>
      <Typography variant="subtitle2" component="h3">
        {label}
      </Typography>
      <Box component="ul" aria-label={label} sx={{ listStyle: 'none', display: 'flex', flexWrap: 'wrap', gap: 1, p: 0, m: 0 }}>
        {counts.map(([name, count]) => (
          <li key={name}>
            <Chip size="small" variant="outlined" label={`${name}: ${count}`} />
          </li>
        ))}
      </Box>
    </Box>
  );
}

export default JiraOverviewCard;
