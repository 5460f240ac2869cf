import { Box, Button, Card, CardActions, CardContent, Chip, Link, Stack, TextField, Typography } from '@mui/material';
import { alertApiRef, useApi } from '@portico/frontend-plugin-api';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import { scaffolderApprovalDecidePermission, type InboxItem, type JsonObject } from '@portico/plugin-scaffolder-common';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router';
import type { AnswerRequest } from '../../api/ScaffolderApi';
import { scaffolderApiRef } from '../../api/ScaffolderApi';
import { SchemaForm } from '../forms/SchemaForm';
import { ScaffolderHeader } from '../shared/ScaffolderNav';
import { EmptyState, ErrorPanel, PermissionButton, Progress } from '@portico/core-components';
import { useAsync } from '@portico/core-components';

const DONE: Record<AnswerRequest['decision'], string> = { approve: 'Approved', reject: 'Rejected', submit: 'Submitted' };

function InboxCard({ item, onAnswered }: { item: InboxItem; onAnswered(): void }) {
  const scaffolderApi = useApi(scaffolderApiRef);
  const alertApi = useApi(alertApiRef);
  const [comment, setComment] = useState('');
  const [values, setValues] = useState<JsonObject>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const { request } = item;
  const key = `${item.taskId}-${item.stepId}`;

  const answer = async (decision: AnswerRequest['decision'], answerValues?: JsonObject) => {
    setBusy(true);
    setError(undefined);
    try {
      await scaffolderApi.answer({ taskId: item.taskId, stepId: item.stepId, decision, values: answerValues, comment: comment.trim() || undefined });
      alertApi.post({ message: `${DONE[decision]}: ${request.title}`, severity: 'success', display: 'transient' });
      onAnswered();
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
      setBusy(false);
    }
  };

  return (
    <Card component="article" aria-label={request.title} variant="outlined">
      <CardContent>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center', mb: 1 }}>
          <Chip size="small" color={request.kind === 'approval' ? 'warning' : 'info'} label={request.kind === 'approval' ? 'Approval' : 'Input'} />
          <Typography variant="h6" component="h2">
            {request.title}
          </Typography>
        </Stack>
        {request.description ? <Typography sx={{ mb: 1, whiteSpace: 'pre-wrap' }}>{request.description}</Typography> : null}
        <Typography variant="body2" color="text.secondary">
          {item.templateRef ? `${humanizeEntityRef(item.templateRef, { defaultKind: 'template' })} · ` : ''}
          {item.createdBy ? `started by ${humanizeEntityRef(item.createdBy, { defaultKind: 'user' })} · ` : ''}
          waiting since <time dateTime={item.waitingSince}>{new Date(item.waitingSince).toLocaleString()}</time>
          {request.expiresAt ? (
            <>
              {' '}
              · expires <time dateTime={request.expiresAt}>{new Date(request.expiresAt).toLocaleString()}</time>
            </>
          ) : null}
        </Typography>
        <Link component={RouterLink} to={`/create/tasks/${encodeURIComponent(item.taskId)}`} variant="body2">
          Open the run
        </Link>
        {error ? (
          <Box sx={{ mt: 2 }}>
            <ErrorPanel title="Could not send the answer" error={error} />
          </Box>
        ) : null}
        {request.kind === 'input' ? (
          <SchemaForm
            label={`${request.title} form`}
            idPrefix={key}
            schema={request.schema ?? { type: 'object' }}
            formData={values}
            onChange={setValues}
            onSubmit={v => answer('submit', v)}
            disabled={busy}
          >
            <Button type="submit" variant="contained" disabled={busy} sx={{ mt: 2 }}>
              Submit
            </Button>
          </SchemaForm>
        ) : null}
      </CardContent>
      {request.kind === 'approval' ? (
        <CardActions sx={{ px: 2, pb: 2, alignItems: 'flex-start' }}>
          <TextField
            label="Comment (optional)"
            size="small"
            value={comment}
            onChange={e => setComment(e.target.value)}
            disabled={busy}
            sx={{ flexGrow: 1 }}
          />
          <PermissionButton
            permission={scaffolderApprovalDecidePermission}
            variant="contained"
            color="success"
            onClick={() => answer('approve')}
            disabled={busy}
          >
            Approve
          </PermissionButton>
          <PermissionButton
            permission={scaffolderApprovalDecidePermission}
            variant="outlined"
            color="error"
            onClick={() => answer('reject')}
            disabled={busy}
          >
            Reject
          </PermissionButton>
        </CardActions>
      ) : null}
    </Card>
  );
}

/** `/create/inbox`: the approvals and input requests waiting for the current user. */
export function InboxPage() {
  const scaffolderApi = useApi(scaffolderApiRef);
  const inbox = useAsync(() => scaffolderApi.getInbox(), [scaffolderApi]);
  const [answered, setAnswered] = useState<string[]>([]);
  const items = (inbox.value ?? []).filter(i => !answered.includes(`${i.taskId}/${i.stepId}`));
  return (
    <Box component="main" sx={{ p: 3 }}>
      <ScaffolderHeader title="Inbox" subtitle="Approvals and forms that runs are waiting for you to answer." />
      {inbox.loading && !inbox.value ? (
        <Progress label="Loading the inbox" />
      ) : inbox.error ? (
        <ErrorPanel title="Could not load the inbox" error={inbox.error} onRetry={inbox.retry} />
      ) : items.length === 0 ? (
        <EmptyState title="Nothing is waiting for you">Runs that need your approval or input show up here.</EmptyState>
      ) : (
        <Stack spacing={2} role="list" aria-label="Waiting for you">
          {items.map(item => (
            <Box role="listitem" key={`${item.taskId}/${item.stepId}`}>
              <InboxCard item={item} onAnswered={() => setAnswered(a => [...a, `${item.taskId}/${item.stepId}`])} />
            </Box>
          ))}
        </Stack>
      )}
    </Box>
  );
}

export default InboxPage;
