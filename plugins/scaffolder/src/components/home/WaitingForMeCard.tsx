import { Chip, Link, List, ListItem, ListItemText, Stack, Typography } from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import { EmptyState, ErrorPanel, Progress, useAsync } from '@portico/core-components';
import { Link as RouterLink } from 'react-router';
import { scaffolderApiRef } from '../../api/ScaffolderApi';

const SHOWN = 5;

/**
 * The home card "Waiting for me": the approvals and input requests the inbox holds for the signed-in user (the
 * backend picks them by the caller's ownership refs), each linked to its run, and a link to answer them in the inbox.
 */
export function WaitingForMeCard() {
  const scaffolderApi = useApi(scaffolderApiRef);
  const inbox = useAsync(() => scaffolderApi.getInbox(), [scaffolderApi]);

  if (inbox.error) return <ErrorPanel title="Could not load your inbox" error={inbox.error} onRetry={inbox.retry} />;
  if (inbox.loading || !inbox.value) return <Progress label="Loading your inbox" />;
  const items = inbox.value;
  if (items.length === 0) {
    return (
      <EmptyState title="Nothing is waiting for you">
        Approvals and questions of scaffolder runs that name you or your team appear here and in the{' '}
        <Link component={RouterLink} to="/create/inbox">
          inbox
        </Link>
        .
      </EmptyState>
    );
  }
  return (
    <>
      <List dense aria-label="Waiting for me">
        {items.slice(0, SHOWN).map(item => (
          <ListItem key={`${item.taskId}/${item.stepId}`} disableGutters>
            <ListItemText
              primary={
                <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                  <Chip size="small" color={item.request.kind === 'approval' ? 'warning' : 'info'} label={item.request.kind === 'approval' ? 'Approval' : 'Input'} />
                  <Link component={RouterLink} to={`/create/tasks/${encodeURIComponent(item.taskId)}`}>
                    {item.request.title}
                  </Link>
                </Stack>
              }
              secondary={
                <>
                  {item.createdBy ? `started by ${humanizeEntityRef(item.createdBy, { defaultKind: 'user' })} · ` : ''}
                  waiting since <time dateTime={item.waitingSince}>{new Date(item.waitingSince).toLocaleString()}</time>
                </>
              }
            />
          </ListItem>
        ))}
      </List>
      <Typography variant="body2">
        <Link component={RouterLink} to="/create/inbox">
          {items.length > SHOWN ? `Answer all ${items.length} in the inbox` : 'Answer in the inbox'}
        </Link>
      </Typography>
    </>
  );
}

export default WaitingForMeCard;
