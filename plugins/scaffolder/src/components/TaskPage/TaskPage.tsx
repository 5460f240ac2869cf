import { Alert, Box, Button, Link, List, ListItem, ListItemText, Paper, Stack, Typography } from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import type { SerializedTaskEvent, SerializedTaskStep } from '@portico/plugin-scaffolder-common';
import { useEffect, useRef, useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { ScaffolderHeader } from '../shared/ScaffolderNav';
import { TaskStatusChip } from '../shared/TaskStatusChip';
import { ErrorPanel, Progress } from '@portico/core-components';
import { useAsync } from '@portico/core-components';
import { CancelRunButton } from './CancelRunButton';
import { TaskOutput } from './TaskOutput';

const ACTIVE = ['open', 'processing', 'waiting'];
const ENDED = ['completed', 'failed', 'cancelled'];
/** Events after which the run's stored state (steps, output, status) has changed. */
const STATE_EVENTS = ['step', 'completion', 'cancelled', 'recovered', 'waiting'];

function When({ at }: { at: string }) {
  return <time dateTime={at}>{new Date(at).toLocaleString()}</time>;
}

/** What a step waits for while its run waits; once the run has ended, what it was waiting for and that it ended. */
function StepWait({ step, runEnded }: { step: SerializedTaskStep; runEnded: boolean }) {
  const request = step.waitingFor;
  if (!request) return null;
  const what = request.kind === 'approval' ? 'approval' : 'input';
  if (step.status === 'waiting' && !runEnded) {
    return (
      <Typography component="span" sx={{ display: 'block' }}>
        Waiting for {what}: {request.title}{' '}
        <Link component={RouterLink} to="/create/inbox">
          Open the inbox
        </Link>
      </Typography>
    );
  }
  return (
    <Typography component="span" sx={{ display: 'block' }}>
      Was waiting for {what}: {request.title}
    </Typography>
  );
}

function StepTimeline({ steps, runEnded }: { steps: SerializedTaskStep[]; runEnded: boolean }) {
  return (
    <List aria-label="Steps" dense>
      {steps.map(step => (
        <ListItem key={step.id} aria-label={`${step.name ?? step.id}: ${step.status}`} sx={{ alignItems: 'flex-start' }}>
          <ListItemText
            primary={
              <Stack component="span" direction="row" spacing={1} sx={{ alignItems: 'center' }}>
                <span>{step.name ?? step.id}</span>
                <TaskStatusChip status={step.status} />
              </Stack>
            }
            secondary={
              <>
                <span>{step.action}</span>
                {step.status === 'cancelled' ? (
                  <Typography component="span" sx={{ display: 'block' }}>
                    Cancelled{step.endedAt ? <> <When at={step.endedAt} /></> : null}
                  </Typography>
                ) : step.error ? (
                  <Typography component="span" color="error" sx={{ display: 'block' }}>
                    {step.error}
                  </Typography>
                ) : null}
                <StepWait step={step} runEnded={runEnded} />
              </>
            }
            slotProps={{ secondary: { component: 'div' } }}
          />
        </ListItem>
      ))}
    </List>
  );
}

/** When a cancelled run was cancelled: its `cancelled` event, else the last time one of its steps ended. */
function cancelledAt(steps: SerializedTaskStep[], events: SerializedTaskEvent[]): string | undefined {
  const event = [...events].reverse().find(e => e.type === 'cancelled');
  if (event) return event.createdAt;
  const ends = steps.map(s => s.endedAt).filter((at): at is string => Boolean(at));
  return ends.sort().pop();
}

function logLine(event: SerializedTaskEvent): string {
  const time = event.createdAt.slice(11, 19);
  const step = event.body.stepId ? ` [${event.body.stepId}]` : '';
  return `${time}${step} ${event.body.message}`;
}

/** `/create/tasks/:taskId`: the step timeline, the live log, the output, and cancel and retry. */
export function TaskPage() {
  const { taskId = '' } = useParams();
  const scaffolderApi = useApi(scaffolderApiRef);
  const [reload, setReload] = useState(0);
  const task = useAsync(() => scaffolderApi.getTask(taskId), [scaffolderApi, taskId, reload]);
  const [events, setEvents] = useState<SerializedTaskEvent[]>([]);
  const [streamGeneration, setStreamGeneration] = useState(0);
  const [streamError, setStreamError] = useState<string>();
  const [actionError, setActionError] = useState<Error>();
  const [busy, setBusy] = useState(false);
  const lastEventId = useRef(0);

  useEffect(() => {
    setEvents([]);
    lastEventId.current = 0;
  }, [taskId]);

  useEffect(
    () =>
      scaffolderApi.streamEvents({
        taskId,
        after: lastEventId.current,
        onEvent: event => {
          if (event.id <= lastEventId.current) return;
          lastEventId.current = event.id;
          setStreamError(undefined);
          setEvents(prev => [...prev, event]);
          if (STATE_EVENTS.includes(event.type)) setReload(r => r + 1);
        },
        onError: error => setStreamError(error.message),
      }),
    [scaffolderApi, taskId, streamGeneration],
  );

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(undefined);
    try {
      await action();
      setReload(r => r + 1);
    } catch (e) {
      setActionError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setBusy(false);
    }
  };
  const cancel = () => act(() => scaffolderApi.cancelTask(taskId));
  const retry = () =>
    act(async () => {
      await scaffolderApi.retryTask(taskId);
      // the server closed the stream after the last completion; follow the resumed run
      setStreamGeneration(g => g + 1);
    });

  const value = task.value;
  const cancelledTime = value?.status === 'cancelled' ? cancelledAt(value.steps ?? [], events) : undefined;
  const title = value?.spec.templateInfo?.entity?.metadata.title;
  const logs = events.filter(e => e.type !== 'step' || e.body.message);
  return (
    <Box component="main" sx={{ p: 3 }}>
      <ScaffolderHeader
        title={typeof title === 'string' ? `Run of ${title}` : `Run ${taskId}`}
        subtitle={value ? `Started ${new Date(value.createdAt).toLocaleString()}${value.createdBy ? ` by ${value.createdBy}` : ''}` : undefined}
      />
      {task.loading && !value ? (
        <Progress label="Loading the run" />
      ) : task.error && !value ? (
        <ErrorPanel title="Could not load the run" error={task.error} onRetry={task.retry} />
      ) : value ? (
        <>
          <Stack direction="row" spacing={2} sx={{ mb: 2, alignItems: 'center' }}>
            {/* a div, not a p: the status chip is a div */}
            <Typography component="div">
              Status: <TaskStatusChip status={value.status} />
            </Typography>
            <CancelRunButton onConfirm={cancel} disabled={busy || !ACTIVE.includes(value.status)} />
            <Button variant="outlined" onClick={retry} disabled={busy || !['failed', 'cancelled'].includes(value.status)}>
              Retry
            </Button>
          </Stack>
          {actionError ? (
            <Box sx={{ mb: 2 }}>
              <ErrorPanel title="The action failed" error={actionError} />
            </Box>
          ) : null}
          {value.status === 'cancelled' ? (
            <Alert severity="info" sx={{ mb: 2 }} aria-label="Run cancelled">
              This run was cancelled{cancelledTime ? <> on <When at={cancelledTime} /></> : null}. Its unfinished steps did not
              run; Retry starts it again from the first step that did not complete.
            </Alert>
          ) : value.error ? (
            <Alert severity="error" sx={{ mb: 2 }}>
              {value.error}
            </Alert>
          ) : null}
          <TaskOutput output={value.output} />
          <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { md: 'minmax(260px, 1fr) 2fr' } }}>
            <Paper variant="outlined" component="section" aria-labelledby="steps-heading" sx={{ p: 2 }}>
              <Typography variant="h6" component="h2" id="steps-heading">
                Steps
              </Typography>
              <StepTimeline steps={value.steps ?? []} runEnded={ENDED.includes(value.status)} />
            </Paper>
            <Paper variant="outlined" component="section" aria-labelledby="log-heading" sx={{ p: 2, minWidth: 0 }}>
              <Typography variant="h6" component="h2" id="log-heading">
                Log
              </Typography>
              {streamError ? (
                <Alert severity="warning" sx={{ my: 1 }}>
                  {streamError}
                </Alert>
              ) : null}
              <Box
                component="pre"
                role="log"
                aria-label="Run log"
                aria-live="polite"
                tabIndex={0}
                sx={{ m: 0, p: 1, maxHeight: 480, overflow: 'auto', fontSize: 13, bgcolor: 'action.hover', whiteSpace: 'pre-wrap' }}
              >
                {logs.length ? logs.map(logLine).join('\n') : 'No log lines yet.'}
              </Box>
            </Paper>
          </Box>
        </>
      ) : null}
    </Box>
  );
}

export default TaskPage;
