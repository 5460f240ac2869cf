import {
  Box,
  Button,
  FormControl,
  InputLabel,
  Link,
  MenuItem,
  Select,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import type { TaskStatus } from '@portico/plugin-scaffolder-common';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { ScaffolderHeader } from '../shared/ScaffolderNav';
import { TaskStatusChip } from '../shared/TaskStatusChip';
import { templateTitle } from '../shared/templateTitle';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';
import { useAsync } from '@portico/core-components';

const PAGE_SIZE = 25;
const STATUSES: TaskStatus[] = ['open', 'processing', 'waiting', 'completed', 'failed', 'cancelled'];

/** `/create/tasks`: earlier runs, newest first, filtered by status, a page at a time. */
export function TaskListPage() {
  const scaffolderApi = useApi(scaffolderApiRef);
  const [status, setStatus] = useState<TaskStatus | ''>('');
  const [page, setPage] = useState(0);
  const tasks = useAsync(
    () => scaffolderApi.listTasks({ status: status ? [status] : undefined, limit: PAGE_SIZE, offset: page * PAGE_SIZE }),
    [scaffolderApi, status, page],
  );
  const total = tasks.value?.totalTasks ?? 0;
  return (
    <Box component="main" sx={{ p: 3 }}>
      <ScaffolderHeader title="Run history" subtitle="Every run of a template, newest first." />
      <FormControl size="small" sx={{ minWidth: 200, mb: 2 }}>
        <InputLabel id="task-status-label">Status</InputLabel>
        <Select
          labelId="task-status-label"
          label="Status"
          value={status}
          onChange={e => {
            setStatus(e.target.value as TaskStatus | '');
            setPage(0);
          }}
        >
          <MenuItem value="">Any</MenuItem>
          {STATUSES.map(s => (
            <MenuItem key={s} value={s}>
              {s}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {tasks.loading && !tasks.value ? (
        <Progress label="Loading runs" />
      ) : tasks.error ? (
        <ErrorPanel title="Could not load the runs" error={tasks.error} onRetry={tasks.retry} />
      ) : tasks.value && tasks.value.tasks.length === 0 ? (
        <EmptyState title="No runs yet">
          <Link component={RouterLink} to="/create">
            Choose a template
          </Link>{' '}
          to start one.
        </EmptyState>
      ) : tasks.value ? (
        <>
          <Table size="small" aria-label="Runs">
            <TableHead>
              <TableRow>
                <TableCell>Template</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Started by</TableCell>
                <TableCell>Started</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {tasks.value.tasks.map(task => (
                <TableRow key={task.id}>
                  <TableCell>
                    <Link component={RouterLink} to={`/create/tasks/${encodeURIComponent(task.id)}`}>
                      {templateTitle(task)}
                    </Link>
                    {task.dryRun ? ' (dry run)' : null}
                  </TableCell>
                  <TableCell>
                    <TaskStatusChip status={task.status} />
                  </TableCell>
                  <TableCell>{task.createdBy ? humanizeEntityRef(task.createdBy, { defaultKind: 'user' }) : '—'}</TableCell>
                  <TableCell>
                    <time dateTime={task.createdAt}>{new Date(task.createdAt).toLocaleString()}</time>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Stack direction="row" spacing={2} sx={{ mt: 2, alignItems: 'center' }}>
            <Button disabled={page === 0} onClick={() => setPage(p => p - 1)}>
              Newer
            </Button>
            <Typography>
              {page * PAGE_SIZE + 1}–{Math.min(total, (page + 1) * PAGE_SIZE)} of {total}
            </Typography>
            <Button disabled={(page + 1) * PAGE_SIZE >= total} onClick={() => setPage(p => p + 1)}>
              Older
            </Button>
          </Stack>
        </>
      ) : null}
    </Box>
  );
}

export default TaskListPage;
