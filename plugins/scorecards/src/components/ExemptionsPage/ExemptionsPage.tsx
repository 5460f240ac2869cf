import {
  Alert,
  Box,
  Card,
  CardContent,
  CardHeader,
  Chip,
  Link,
  MenuItem,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { alertApiRef, useApi } from '@portico/frontend-plugin-api';
import { scorecardsExemptionDecidePermission, type Exemption, type ExemptionStatus } from '@portico/plugin-scorecards-common';
import { useEffect, useState, type ReactNode } from 'react';
import { Link as RouterLink, useParams, useSearchParams } from 'react-router';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { useAsync } from '@portico/core-components';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import { EntityLink } from '../shared/EntityLink';
import { useEntityTitles } from '../shared/useEntityTitles';
import { SCORECARDS_ROOT, scorecardRoute } from '../shared/routes';
import { EmptyState, ErrorPanel, PermissionButton, Progress } from '@portico/core-components';

const STATUS_COLOR: Record<ExemptionStatus, 'warning' | 'success' | 'error'> = {
  pending: 'warning',
  approved: 'success',
  rejected: 'error',
};

/** The status, or "Expired" for an approved exemption past its expiry (it no longer counts). */
function StatusChip({ exemption }: { exemption: Exemption }) {
  if (exemption.status === 'approved' && Date.parse(exemption.expiresAt) < Date.now()) {
    return <Chip size="small" label="Expired" />;
  }
  const { status } = exemption;
  return <Chip size="small" color={STATUS_COLOR[status]} label={status[0].toUpperCase() + status.slice(1)} />;
}

const date = (iso: string) => iso.slice(0, 10);

/** One exemption, and for a pending one the owner's approve / reject with an optional comment. */
function ExemptionDetail({ id }: { id: string }) {
  const api = useApi(scorecardsApiRef);
  const alertApi = useApi(alertApiRef);
  const loaded = useAsync(() => api.getExemption(id), [api, id]);
  const [exemption, setExemption] = useState<Exemption>();
  const [comment, setComment] = useState('');
  const [deciding, setDeciding] = useState(false);
  const [error, setError] = useState<Error>();
  useEffect(() => setExemption(loaded.value), [loaded.value]);

  if (loaded.loading) return <Progress label="Loading the exemption" />;
  if (loaded.error) return <ErrorPanel title="Could not load the exemption" error={loaded.error} onRetry={loaded.retry} />;
  if (!exemption) return null;

  const decide = async (status: 'approved' | 'rejected') => {
    setDeciding(true);
    setError(undefined);
    try {
      const decided = await api.decideExemption(id, { status, ...(comment.trim() ? { comment: comment.trim() } : {}) });
      setExemption(decided);
      alertApi.post({ message: `Exemption ${status}`, severity: 'success', display: 'transient' });
    } catch (e) {
      setError(e instanceof Error ? e : new Error(String(e)));
    } finally {
      setDeciding(false);
    }
  };

  const facts: Array<[string, ReactNode]> = [
    ['Entity', <EntityLink key="e" entityRef={exemption.entityRef} />],
    [
      'Scorecard',
      <Link key="s" component={RouterLink} to={scorecardRoute(exemption.scorecardRef)}>
        {humanizeEntityRef(exemption.scorecardRef, { defaultKind: 'scorecard' })}
      </Link>,
    ],
    ['Rule', exemption.ruleId],
    ['Reason', exemption.reason],
    ['Expires', date(exemption.expiresAt)],
    ['Requested by', `${humanizeEntityRef(exemption.requestedBy, { defaultKind: 'user' })} on ${date(exemption.createdAt)}`],
    ...(exemption.decidedBy
      ? ([['Decided by', `${humanizeEntityRef(exemption.decidedBy, { defaultKind: 'user' })}${exemption.decidedAt ? ` on ${date(exemption.decidedAt)}` : ''}`]] as Array<[string, string]>)
      : []),
    ...(exemption.comment ? ([['Comment', exemption.comment]] as Array<[string, string]>) : []),
  ];

  return (
    <Card component="section" aria-label="Exemption" variant="outlined">
      <CardHeader
        title={`Exemption for ${exemption.ruleId}`}
        slotProps={{ title: { component: 'h2', variant: 'h6' } }}
        action={<StatusChip exemption={exemption} />}
      />
      <CardContent>
        <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 1, m: 0 }}>
          {facts.map(([term, value]) => (
            <Box key={term} sx={{ display: 'contents' }}>
              <Typography component="dt" color="text.secondary">
                {term}
              </Typography>
              <Typography component="dd" sx={{ m: 0 }}>
                {value}
              </Typography>
            </Box>
          ))}
        </Box>
        {exemption.status === 'pending' ? (
          <Box sx={{ mt: 3, display: 'flex', flexDirection: 'column', gap: 2, maxWidth: 560 }}>
            {error ? <Alert severity="error">{error.message}</Alert> : null}
            <TextField label="Comment" multiline minRows={2} value={comment} onChange={event => setComment(event.target.value)} />
            <Box sx={{ display: 'flex', gap: 1 }}>
              <PermissionButton
                permission={scorecardsExemptionDecidePermission}
                resourceRef={exemption.scorecardRef}
                variant="contained"
                color="success"
                disabled={deciding}
                onClick={() => void decide('approved')}
              >
                Approve
              </PermissionButton>
              <PermissionButton
                permission={scorecardsExemptionDecidePermission}
                resourceRef={exemption.scorecardRef}
                variant="outlined"
                color="error"
                disabled={deciding}
                onClick={() => void decide('rejected')}
              >
                Reject
              </PermissionButton>
            </Box>
          </Box>
        ) : null}
      </CardContent>
    </Card>
  );
}

/** The exemptions of every scorecard, pending first by default, filtered by status. */
function ExemptionList() {
  const api = useApi(scorecardsApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const status = (searchParams.get('status') ?? 'pending') as ExemptionStatus | 'all';
  const exemptions = useAsync(() => api.getExemptions(status === 'all' ? {} : { status }), [api, status]);
  const titles = useEntityTitles((exemptions.value ?? []).map(e => e.entityRef));
  return (
    <Box component="section" aria-label="Exemptions">
      <TextField
        select
        label="Status"
        size="small"
        sx={{ minWidth: 180, mb: 2 }}
        value={status}
        onChange={event => setSearchParams({ status: event.target.value })}
      >
        <MenuItem value="pending">Pending</MenuItem>
        <MenuItem value="approved">Approved</MenuItem>
        <MenuItem value="rejected">Rejected</MenuItem>
        <MenuItem value="all">All</MenuItem>
      </TextField>
      {exemptions.loading ? (
        <Progress label="Loading exemptions" />
      ) : exemptions.error ? (
        <ErrorPanel title="Could not load exemptions" error={exemptions.error} onRetry={exemptions.retry} />
      ) : exemptions.value.length === 0 ? (
        <EmptyState title={status === 'pending' ? 'No pending exemptions' : 'No exemptions'} />
      ) : (
        <TableContainer>
          <Table size="small" aria-label="Exemption requests">
            <TableHead>
              <TableRow>
                <TableCell>Rule</TableCell>
                <TableCell>Entity</TableCell>
                <TableCell>Scorecard</TableCell>
                <TableCell>Status</TableCell>
                <TableCell>Expires</TableCell>
                <TableCell>Requested by</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {exemptions.value.map(e => (
                <TableRow key={e.id}>
                  <TableCell>
                    <Link component={RouterLink} to={`${SCORECARDS_ROOT}/exemptions/${encodeURIComponent(e.id)}`}>
                      {e.ruleId}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <EntityLink entityRef={e.entityRef} title={titles.get(e.entityRef)} />
                  </TableCell>
                  <TableCell>{humanizeEntityRef(e.scorecardRef, { defaultKind: 'scorecard' })}</TableCell>
                  <TableCell>
                    <StatusChip exemption={e} />
                  </TableCell>
                  <TableCell>{date(e.expiresAt)}</TableCell>
                  <TableCell>{humanizeEntityRef(e.requestedBy, { defaultKind: 'user' })}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Box>
  );
}

/** `/scorecards/exemptions` (the list) and `/scorecards/exemptions/:id` (one, where its owner decides). */
export function ExemptionsPage() {
  const { id } = useParams();
  return id ? <ExemptionDetail id={id} /> : <ExemptionList />;
}

export default ExemptionsPage;
