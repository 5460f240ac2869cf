import {
  Box,
  Button,
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
import { useApi } from '@portico/frontend-plugin-api';
import { NO_LEVEL, type ScorecardSummary } from '@portico/plugin-scorecards-common';
import { useState } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { useAsync } from '@portico/core-components';
import { EntityLink } from '../shared/EntityLink';
import { useEntityTitles } from '../shared/useEntityTitles';
import { GroupField } from '../shared/GroupField';
import { LevelChip } from '../shared/LevelChip';
import { percent, sortLevels } from '../shared/levels';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';

function ResultsTable({ scorecard, pageSize }: { scorecard: ScorecardSummary; pageSize: number }) {
  const api = useApi(scorecardsApiRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const owner = searchParams.get('owner') ?? '';
  const level = searchParams.get('level') ?? '';
  const failingRule = searchParams.get('failingRule') ?? '';
  // Cursors of the pages before the current one, so "Previous" can go back.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const results = useAsync(
    () =>
      api.getResults(scorecard.ref, {
        owner: owner || undefined,
        level: level || undefined,
        failingRule: failingRule || undefined,
        cursor,
        limit: pageSize,
      }),
    [api, scorecard.ref, owner, level, failingRule, cursor, pageSize],
  );
  const setFilter = (key: 'owner' | 'level' | 'failingRule', value: string) => {
    const next = new URLSearchParams(searchParams);
    if (value) next.set(key, value);
    else next.delete(key);
    setSearchParams(next);
    setCursors([undefined]);
  };
  const ruleTitles = new Map(scorecard.spec.rules.map(r => [r.id, r.title ?? r.id]));
  const titles = useEntityTitles(
    (results.value?.items ?? []).flatMap(row => [row.entityRef, row.owner ? { ref: row.owner, defaultKind: 'group' } : undefined]),
  );
  const first = (cursors.length - 1) * pageSize;

  return (
    <Box component="section" aria-label="Entities">
      <Box sx={{ display: 'flex', gap: 2, alignItems: 'flex-start', flexWrap: 'wrap', mb: 2 }}>
        <GroupField label="Owner" value={owner} helperText="A group; empty for all owners" onChange={value => setFilter('owner', value)} />
        <TextField
          select
          label="Level"
          size="small"
          sx={{ minWidth: 160 }}
          value={level}
          slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
          onChange={event => setFilter('level', event.target.value)}
        >
          <MenuItem value="">All levels</MenuItem>
          <MenuItem value={NO_LEVEL}>No level</MenuItem>
          {sortLevels(scorecard.spec.levels).map(l => (
            <MenuItem key={l.name} value={l.name}>
              {l.name}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          select
          label="Failing rule"
          size="small"
          sx={{ minWidth: 200 }}
          value={failingRule}
          slotProps={{ select: { displayEmpty: true }, inputLabel: { shrink: true } }}
          onChange={event => setFilter('failingRule', event.target.value)}
        >
          <MenuItem value="">Any</MenuItem>
          {scorecard.spec.rules.map(r => (
            <MenuItem key={r.id} value={r.id}>
              {r.title ?? r.id}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {results.error ? (
        <ErrorPanel title="Could not load the results" error={results.error} onRetry={results.retry} />
      ) : results.loading && !results.value ? (
        <Progress label="Loading results" />
      ) : results.value && results.value.items.length === 0 ? (
        <EmptyState title="No entities match">
          {owner || level || failingRule ? 'Try other filters.' : 'This scorecard has not evaluated any entity yet.'}
        </EmptyState>
      ) : results.value ? (
        <>
          <TableContainer>
            <Table size="small" aria-label={`Results of ${scorecard.title ?? scorecard.name}`}>
              <TableHead>
                <TableRow>
                  <TableCell>Entity</TableCell>
                  <TableCell>Owner</TableCell>
                  <TableCell>Level</TableCell>
                  <TableCell align="right">Score</TableCell>
                  <TableCell>Failing rules</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {results.value.items.map(row => (
                  <TableRow key={row.entityRef}>
                    <TableCell>
                      <EntityLink entityRef={row.entityRef} title={titles.get(row.entityRef)} />
                    </TableCell>
                    <TableCell sx={{ whiteSpace: 'nowrap' }}>
                      {row.owner ? <EntityLink entityRef={row.owner} defaultKind="group" title={titles.get(row.owner, 'group')} /> : '—'}
                    </TableCell>
                    <TableCell>
                      <LevelChip levels={scorecard.spec.levels} level={row.level} />
                    </TableCell>
                    <TableCell align="right">{percent(row.score)}</TableCell>
                    <TableCell>
                      {row.failingRules.length === 0 ? 'None' : row.failingRules.map(id => ruleTitles.get(id) ?? id).join(', ')}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, mt: 1 }}>
            <Typography variant="body2" aria-live="polite">
              {`${first + 1}–${first + results.value.items.length} of ${results.value.totalItems}`}
            </Typography>
            <Button disabled={cursors.length <= 1 || results.loading} onClick={() => setCursors(c => c.slice(0, -1))}>
              Previous page
            </Button>
            <Button
              disabled={!results.value.pageInfo.nextCursor || results.loading}
              onClick={() => setCursors(c => [...c, results.value?.pageInfo.nextCursor])}
            >
              Next page
            </Button>
          </Box>
        </>
      ) : null}
    </Box>
  );
}

/** `/scorecards/:namespace/:name`: the entities a scorecard measures, with level, score and failing rules. */
export function ScorecardPage({ pageSize = 50 }: { pageSize?: number }) {
  const api = useApi(scorecardsApiRef);
  const { namespace = 'default', name = '' } = useParams();
  const ref = `scorecard:${namespace}/${name}`;
  const scorecard = useAsync(() => api.getScorecard(ref), [api, ref]);
  if (scorecard.loading) return <Progress label="Loading the scorecard" />;
  if (scorecard.error) return <ErrorPanel title="Could not load the scorecard" error={scorecard.error} onRetry={scorecard.retry} />;
  const value = scorecard.value;
  return (
    <Box>
      <Typography variant="h5" component="h2">
        {value.title ?? value.name}
      </Typography>
      {value.description ? <Typography sx={{ mb: 2 }}>{value.description}</Typography> : null}
      <ResultsTable scorecard={value} pageSize={pageSize} />
    </Box>
  );
}

export default ScorecardPage;
