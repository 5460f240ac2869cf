import { Fragment, useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  Alert,
  Box,
  Button,
  Chip,
  IconButton,
  LinearProgress,
  MenuItem,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import KeyboardArrowDownIcon from '@mui/icons-material/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@mui/icons-material/KeyboardArrowUp';
import { ResponseError } from '@portico/errors';
import { discoveryApiRef, fetchApiRef, useApi } from '@portico/frontend-plugin-api';
import type { AuditEventRecord } from '@portico/permission-common';
import { useSearchParams } from 'react-router';
import { AdminLayout } from './AdminLayout';
import { AUDIT_PAGE } from './adminPages';
import { AuditLogClient, type AuditEventFilter } from './AuditLogClient';

const TEXT_FILTERS = [
  { key: 'actor', label: 'Actor', placeholder: 'user:default/jane' },
  { key: 'action', label: 'Action', placeholder: 'catalog.* or permission.role.manage' },
  { key: 'resource', label: 'Resource', placeholder: 'role:catalog-editors' },
] as const;
const OUTCOMES: ReadonlyArray<AuditEventRecord['outcome']> = ['succeeded', 'failed', 'denied'];
const OUTCOME_COLORS = { succeeded: 'success', failed: 'warning', denied: 'error' } as const;
const PAGE_SIZE = 50;

/** The filter in the page's URL (`?actor=&action=&resource=&outcome=&since=`), so a filtered view can be linked. */
function filterFromUrl(params: URLSearchParams): AuditEventFilter {
  const outcome = params.get('outcome');
  return {
    actor: params.get('actor') ?? undefined,
    action: params.get('action') ?? undefined,
    resource: params.get('resource') ?? undefined,
    outcome: OUTCOMES.find(o => o === outcome),
    since: params.get('since') ?? undefined,
  };
}

/** An ISO time as the value of a `datetime-local` input (local time, to the minute). */
function toLocalInput(iso?: string): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function errorText(error: unknown): string {
  if (error instanceof ResponseError) return error.body?.message ?? error.message;
  return error instanceof Error ? error.message : String(error);
}

function FilterForm(props: { filter: AuditEventFilter; onApply(filter: AuditEventFilter): void }) {
  const [draft, setDraft] = useState({
    actor: props.filter.actor ?? '',
    action: props.filter.action ?? '',
    resource: props.filter.resource ?? '',
    outcome: props.filter.outcome ?? '',
    since: toLocalInput(props.filter.since),
  });
  const [sinceError, setSinceError] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    let since: string | undefined;
    if (draft.since) {
      const date = new Date(draft.since);
      if (Number.isNaN(date.getTime())) {
        setSinceError('Not a date and time');
        return;
      }
      since = date.toISOString();
    }
    setSinceError(undefined);
    props.onApply({
      actor: draft.actor.trim() || undefined,
      action: draft.action.trim() || undefined,
      resource: draft.resource.trim() || undefined,
      outcome: OUTCOMES.find(o => o === draft.outcome),
      since,
    });
  };
  const clear = () => {
    setDraft({ actor: '', action: '', resource: '', outcome: '', since: '' });
    setSinceError(undefined);
    props.onApply({});
  };
  return (
    <Box component="form" onSubmit={submit} aria-label="Filter the audit log" sx={{ mb: 3 }}>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={2} useFlexGap sx={{ alignItems: { md: 'flex-start' }, flexWrap: 'wrap' }}>
        {TEXT_FILTERS.map(({ key, label, placeholder }) => (
          <TextField
            key={key}
            label={label}
            placeholder={placeholder}
            size="small"
            value={draft[key]}
            onChange={event => setDraft(d => ({ ...d, [key]: event.target.value }))}
          />
        ))}
        <TextField
          select
          label="Outcome"
          size="small"
          value={draft.outcome}
          onChange={event => setDraft(d => ({ ...d, outcome: event.target.value }))}
          sx={{ minWidth: 140 }}
        >
          <MenuItem value="">Any</MenuItem>
          {OUTCOMES.map(outcome => (
            <MenuItem key={outcome} value={outcome}>
              {outcome}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          label="Since"
          type="datetime-local"
          size="small"
          value={draft.since}
          onChange={event => setDraft(d => ({ ...d, since: event.target.value }))}
          error={Boolean(sinceError)}
          helperText={sinceError}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <Button type="submit" variant="contained">
          Apply filters
        </Button>
        <Button onClick={clear}>Clear</Button>
      </Stack>
    </Box>
  );
}

function EventDetails({ event }: { event: AuditEventRecord }) {
  const facts: Array<[string, string | undefined]> = [
    ['Event id', event.id],
    ['Plugin', event.plugin],
    ['Severity', event.severity],
    ['Actor type', event.actorType],
    ['Request id', event.requestId],
    ['Request', event.method || event.path ? `${event.method ?? ''} ${event.path ?? ''}`.trim() : undefined],
  ];
  return (
    <Box sx={{ py: 1 }}>
      <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.5, m: 0 }}>
        {facts
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <Fragment key={label}>
              <Typography component="dt" variant="body2" color="text.secondary">
                {label}
              </Typography>
              <Typography component="dd" variant="body2" sx={{ m: 0 }}>
                {value}
              </Typography>
            </Fragment>
          ))}
      </Box>
      <Typography variant="subtitle2" component="p" sx={{ mt: 1 }}>
        Meta
      </Typography>
      {event.meta && Object.keys(event.meta).length ? (
        <Box
          component="pre"
          aria-label={`Meta of event ${event.id}`}
          sx={{ m: 0, p: 1, fontSize: 12, bgcolor: 'action.hover', borderRadius: 1, overflowX: 'auto' }}
        >
          {JSON.stringify(event.meta, null, 2)}
        </Box>
      ) : (
        <Typography variant="body2" color="text.secondary">
          No meta recorded.
        </Typography>
      )}
    </Box>
  );
}

function EventRow({ event }: { event: AuditEventRecord }) {
  const [open, setOpen] = useState(false);
  const summary = `${event.action} by ${event.actor}`;
  return (
    <>
      <TableRow sx={{ '& > td': { borderBottom: open ? 'unset' : undefined } }}>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            onClick={() => setOpen(o => !o)}
            aria-expanded={open}
            aria-label={`${open ? 'Hide' : 'Show'} details of ${summary} at ${event.time}`}
          >
            {open ? <KeyboardArrowUpIcon /> : <KeyboardArrowDownIcon />}
          </IconButton>
        </TableCell>
        <TableCell sx={{ whiteSpace: 'nowrap' }}>
          <time dateTime={event.time}>{new Date(event.time).toLocaleString()}</time>
        </TableCell>
        <TableCell>{event.actor}</TableCell>
        <TableCell>{event.action}</TableCell>
        <TableCell>{event.resourceRef ?? ''}</TableCell>
        <TableCell>
          <Chip size="small" label={event.outcome} color={OUTCOME_COLORS[event.outcome]} variant="outlined" />
        </TableCell>
        <TableCell>{event.status ?? ''}</TableCell>
      </TableRow>
      {open && (
        <TableRow>
          <TableCell />
          <TableCell colSpan={6}>
            <EventDetails event={event} />
          </TableCell>
        </TableRow>
      )}
    </>
  );
}

function AuditLogView() {
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const client = useMemo(() => new AuditLogClient({ discoveryApi, fetchApi }), [discoveryApi, fetchApi]);
  const [searchParams, setSearchParams] = useSearchParams();
  const query = searchParams.toString();
  const filter = useMemo(() => filterFromUrl(new URLSearchParams(query)), [query]);
  const [events, setEvents] = useState<AuditEventRecord[]>();
  const [nextCursor, setNextCursor] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setLoading(true);
    setError(undefined);
    client.queryEvents({ filter, limit: PAGE_SIZE }).then(
      page => {
        if (!current) return;
        setEvents(page.items);
        setNextCursor(page.nextCursor);
        setLoading(false);
      },
      (e: unknown) => {
        if (!current) return;
        setEvents(undefined);
        setError(`Could not load the audit log: ${errorText(e)}`);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [client, filter, attempt]);

  const loadOlder = useCallback(async () => {
    if (!nextCursor) return;
    setLoading(true);
    setError(undefined);
    try {
      const page = await client.queryEvents({ filter, cursor: nextCursor, limit: PAGE_SIZE });
      setEvents(previous => [...(previous ?? []), ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (e) {
      setError(`Could not load older events: ${errorText(e)}`);
    } finally {
      setLoading(false);
    }
  }, [client, filter, nextCursor]);

  const apply = (next: AuditEventFilter) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value) params.set(key, value);
    if (params.toString() === query) setAttempt(a => a + 1);
    else setSearchParams(params);
  };

  return (
    <>
      <FilterForm key={query} filter={filter} onApply={apply} />
      {error && (
        <Alert
          severity="error"
          sx={{ mb: 2 }}
          action={
            <Button color="inherit" size="small" onClick={() => (events ? void loadOlder() : setAttempt(a => a + 1))}>
              Retry
            </Button>
          }
        >
          {error}
        </Alert>
      )}
      {loading && <LinearProgress aria-label="Loading audit events" sx={{ mb: 1 }} />}
      {events && events.length === 0 && (
        <Typography color="text.secondary" sx={{ p: 2 }}>
          No audit events match these filters.
        </Typography>
      )}
      {events && events.length > 0 && (
        <Table size="small" aria-label="Audit events">
          <TableHead>
            <TableRow>
              <TableCell padding="checkbox" />
              <TableCell>Time</TableCell>
              <TableCell>Actor</TableCell>
              <TableCell>Action</TableCell>
              <TableCell>Resource</TableCell>
              <TableCell>Outcome</TableCell>
              <TableCell>Status</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {events.map(event => (
              <EventRow key={event.id} event={event} />
            ))}
          </TableBody>
        </Table>
      )}
      {events && (
        <Stack direction="row" spacing={2} sx={{ mt: 2, alignItems: 'center' }}>
          <Button variant="outlined" onClick={() => void loadOlder()} disabled={!nextCursor || loading}>
            Older
          </Button>
          <Typography variant="body2" color="text.secondary">
            {events.length} {events.length === 1 ? 'event' : 'events'} shown{nextCursor ? '' : ', no older ones'}
          </Typography>
        </Stack>
      )}
    </>
  );
}

/**
 * `/admin/audit`: who did what to which resource and how it ended, newest first, filtered and paged with a
 * cursor; each event opens to its meta (redacted by the server). Needs `audit.event.read`.
 */
export function AuditLogPage() {
  return (
    <AdminLayout
      page={AUDIT_PAGE}
      description="Every mutation and every refused request the portal recorded, newest first. Secrets (tokens, passwords, webhook bodies) were redacted before they were stored. Action takes a name or a prefix ending in * (catalog.*)."
    >
      <AuditLogView />
    </AdminLayout>
  );
}

export default AuditLogPage;
