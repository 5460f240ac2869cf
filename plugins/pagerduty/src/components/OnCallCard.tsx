import { Alert, Box, Card, CardContent, CardHeader, Chip, List, ListItem, ListItemText, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { getCompoundEntityRef } from '@portico/catalog-model';
import { PermissionButton, Progress, SafeLink, useAsync } from '@portico/core-components';
import { useApi } from '@portico/frontend-plugin-api';
import { useEntity } from '@portico/plugin-catalog-react';
import { pagerdutyIncidentCreatePermission, type PagerDutyEscalationLevel, type PagerDutyTriggeredIncident } from '@portico/plugin-pagerduty-common';
import { pagerdutyApiRef } from '../api/PagerDutyApi';
import { formatUntil } from './formatDuration';
import { PagerDutyErrorPanel } from './PagerDutyErrorPanel';
import { TriggerIncidentDialog, type TriggerIncidentRequest } from './TriggerIncidentDialog';

/** Who is on call now for the entity's PagerDuty service, level by level, with the open incidents count. */
export function OnCallCard() {
  const { entity } = useEntity();
  const pagerdutyApi = useApi(pagerdutyApiRef);
  const ref = getCompoundEntityRef(entity);
  const { value: summary, error, loading, retry } = useAsync(() => pagerdutyApi.getEntitySummary(ref), [pagerdutyApi, ref.kind, ref.namespace, ref.name]);
  const [dialogOpen, setDialogOpen] = useState(false);
  const [triggered, setTriggered] = useState<PagerDutyTriggeredIncident>();
  const high = summary?.openIncidents.filter(i => i.urgency === 'high').length ?? 0;
  const levels = [...(summary?.escalationPolicy?.levels ?? [])].sort((a, b) => a.level - b.level);

  async function trigger(request: TriggerIncidentRequest) {
    // An error stays in the dialog (with what was typed); success is said on the card, which reloads.
    const result = await pagerdutyApi.triggerIncident(ref, request);
    setTriggered(result);
    retry();
  }

  return (
    <Card variant="outlined" component="section" aria-labelledby="pagerduty-card-title">
      <CardHeader title="On call" slotProps={{ title: { id: 'pagerduty-card-title', component: 'h2', variant: 'h6' } }} />
      <CardContent>
        {error && <PagerDutyErrorPanel error={error} onRetry={retry} />}
        {loading && !summary && <Progress label="Loading on-call" />}
        {!error && summary && (
          <Stack spacing={2}>
            <Box>
              <Typography>
                Service{' '}
                <SafeLink url={summary.service.htmlUrl} external>
                  {summary.service.name}
                </SafeLink>
              </Typography>
              <Typography component="div">
                {summary.openIncidents.length === 1 ? '1 open incident' : `${summary.openIncidents.length} open incidents`}
                {high > 0 && <Chip size="small" color="error" label={`${high} high urgency`} sx={{ ml: 1 }} />}
              </Typography>
            </Box>
            {summary.escalationPolicy ? (
              <>
                <Typography>
                  Escalation policy{' '}
                  <SafeLink url={summary.escalationPolicy.htmlUrl} external>
                    {summary.escalationPolicy.name}
                  </SafeLink>
                </Typography>
                <List dense disablePadding aria-label="On call by escalation level">
                  {levels.map(level => (
                    <EscalationLevel key={level.level} level={level} />
                  ))}
                </List>
              </>
            ) : (
              <Typography color="text.secondary">The service has no escalation policy: nobody is paged.</Typography>
            )}
            {triggered && (
              <Alert severity="success" onClose={() => setTriggered(undefined)}>
                {triggered.method === 'rest' ? (
                  <>
                    Incident{' '}
                    <SafeLink url={triggered.incident.htmlUrl} external>
                      #{triggered.incident.number} {triggered.incident.title}
                    </SafeLink>{' '}
                    triggered.
                  </>
                ) : (
                  'Incident sent to PagerDuty; it appears here once PagerDuty has opened it.'
                )}
              </Alert>
            )}
            <Box>
              <PermissionButton permission={pagerdutyIncidentCreatePermission} variant="outlined" color="error" onClick={() => setDialogOpen(true)}>
                Trigger incident
              </PermissionButton>
            </Box>
            {/* Mounted while open, so each incident starts from an empty form. */}
            {dialogOpen && <TriggerIncidentDialog open serviceName={summary.service.name} onClose={() => setDialogOpen(false)} onConfirm={trigger} />}
          </Stack>
        )}
      </CardContent>
    </Card>
  );
}

function EscalationLevel({ level }: { level: PagerDutyEscalationLevel }) {
  return (
    <ListItem disableGutters alignItems="flex-start" aria-label={`Level ${level.level}`}>
      <ListItemText
        primary={`Level ${level.level}`}
        slotProps={{ secondary: { component: 'div' } }}
        secondary={
          level.onCall.length === 0 ? (
            `Nobody on call (targets: ${level.targets.map(t => t.name).join(', ') || 'none'})`
          ) : (
            <Stack component="span" spacing={0.5}>
              {level.onCall.map(onCall => (
                <Typography component="span" variant="body2" key={`${onCall.user.id}-${onCall.schedule?.id ?? ''}`}>
                  <SafeLink url={onCall.user.htmlUrl} external>
                    {onCall.user.name}
                  </SafeLink>
                  {onCall.email && (
                    <>
                      {' '}
                      (<SafeLink url={`mailto:${onCall.email}`}>{onCall.email}</SafeLink>)
                    </>
                  )}{' '}
                  {formatUntil(onCall.end)}
                  {onCall.schedule ? `, ${onCall.schedule.name}` : ''}
                </Typography>
              ))}
            </Stack>
          )
        }
      />
    </ListItem>
  );
}

export default OnCallCard;
