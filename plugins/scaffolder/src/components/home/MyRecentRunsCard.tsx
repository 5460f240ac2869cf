import { Link, List, ListItem, ListItemText, Stack, Typography } from '@mui/material';
import { identityApiRef, useApi } from '@portico/frontend-plugin-api';
import { EmptyState, ErrorPanel, Progress, useAsync } from '@portico/core-components';
import { Link as RouterLink } from 'react-router';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { TaskStatusChip } from '../shared/TaskStatusChip';
import { templateTitle } from '../shared/templateTitle';

const LIMIT = 5;

/** The home card "My recent runs": the signed-in user's latest scaffolder runs (`createdBy` them), each linked to its page. */
export function MyRecentRunsCard() {
  const identityApi = useApi(identityApiRef);
  const scaffolderApi = useApi(scaffolderApiRef);
  const runs = useAsync(async () => {
    const { userEntityRef } = await identityApi.getIdentity();
    return scaffolderApi.listTasks({ createdBy: userEntityRef, limit: LIMIT });
  }, [identityApi, scaffolderApi]);

  if (runs.error) return <ErrorPanel title="Could not load your runs" error={runs.error} onRetry={runs.retry} />;
  if (runs.loading || !runs.value) return <Progress label="Loading your runs" />;
  const { tasks } = runs.value;
  if (tasks.length === 0) {
    return (
      <EmptyState title="You have not run a template yet">
        <Link component={RouterLink} to="/create">
          Pick a template
        </Link>{' '}
        to create a service, a repository or a request; your runs appear here.
      </EmptyState>
    );
  }
  return (
    <>
      <List dense aria-label="My recent runs">
        {tasks.map(task => (
          <ListItem key={task.id} disableGutters>
            <ListItemText
              primary={
                <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                  <Link component={RouterLink} to={`/create/tasks/${encodeURIComponent(task.id)}`}>
                    {templateTitle(task)}
                  </Link>
                  <TaskStatusChip status={task.status} />
                </Stack>
              }
              secondary={<time dateTime={task.createdAt}>{new Date(task.createdAt).toLocaleString()}</time>}
            />
          </ListItem>
        ))}
      </List>
      <Typography variant="body2">
        <Link component={RouterLink} to="/create/tasks">
          Run history
        </Link>
      </Typography>
    </>
  );
}

export default MyRecentRunsCard;
