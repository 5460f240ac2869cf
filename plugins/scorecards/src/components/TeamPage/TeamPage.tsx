import { Box, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import { useApi } from '@portico/frontend-plugin-api';
import { useSearchParams } from 'react-router';
import { scorecardsApiRef, type ScorecardResultRow } from '../../api/ScorecardsApi';
import { useAsync } from '@portico/core-components';
import { EntityLink } from '../shared/EntityLink';
import { useEntityTitles } from '../shared/useEntityTitles';
import { GroupField } from '../shared/GroupField';
import { levelLabel } from '../shared/levels';
import { RemediationText } from '../shared/RemediationText';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';
import { fixNext, type FixItem } from './fixNext';

/** The API's largest page: a team's entities on one scorecard rarely exceed it. */
const RESULTS_LIMIT = 1000;
/** How many items the list shows. */
const SHOWN = 50;

function FixNextTable({ items }: { items: FixItem[] }) {
  const shown = items.slice(0, SHOWN);
  const titles = useEntityTitles(shown.map(item => item.entityRef));
  return (
    <TableContainer>
      <Table size="small" aria-label="What to fix next">
        <TableHead>
          <TableRow>
            <TableCell>Entity</TableCell>
            <TableCell>Rule</TableCell>
            <TableCell>Scorecard</TableCell>
            <TableCell>Why</TableCell>
            <TableCell>How to fix it</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map(item => (
            <TableRow key={`${item.scorecardRef} ${item.entityRef} ${item.ruleId}`}>
              <TableCell>
                <EntityLink entityRef={item.entityRef} title={titles.get(item.entityRef)} />
              </TableCell>
              <TableCell>{item.ruleTitle}</TableCell>
              <TableCell>{item.scorecardTitle}</TableCell>
              <TableCell>
                {item.unlocksLevel
                  ? `Needed for ${item.unlocksLevel} (now ${levelLabel(item.currentLevel)})`
                  : 'Raises the score'}
              </TableCell>
              <TableCell>{item.remediation ? <RemediationText text={item.remediation} /> : '—'}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function TeamFixList({ group }: { group: string }) {
  const api = useApi(scorecardsApiRef);
  const state = useAsync(async () => {
    const scorecards = (await api.getScorecards()).filter(s => s.errors.length === 0);
    const pages = await Promise.all(scorecards.map(s => api.getResults(s.ref, { owner: group, limit: RESULTS_LIMIT })));
    const results = new Map<string, ScorecardResultRow[]>(scorecards.map((s, i) => [s.ref, pages[i].items]));
    const entities = new Set(pages.flatMap(p => p.items.map(r => r.entityRef)));
    return { items: fixNext(scorecards, results), entityCount: entities.size };
  }, [api, group]);
  if (state.loading) return <Progress label="Loading the team's results" />;
  if (state.error) return <ErrorPanel title="Could not load the team's results" error={state.error} onRetry={state.retry} />;
  if (state.value.entityCount === 0) {
    return <EmptyState title="No scored entities">No scorecard measures an entity this team owns.</EmptyState>;
  }
  if (state.value.items.length === 0) {
    return <EmptyState title="Nothing to fix">Every rule passes on the {state.value.entityCount} entities this team owns.</EmptyState>;
  }
  return (
    <>
      <Typography sx={{ mb: 1 }} aria-live="polite">
        {state.value.items.length} failing {state.value.items.length === 1 ? 'rule' : 'rules'} across {state.value.entityCount}{' '}
        {state.value.entityCount === 1 ? 'entity' : 'entities'}
        {state.value.items.length > SHOWN ? `; the first ${SHOWN} are shown` : ''}.
      </Typography>
      <FixNextTable items={state.value.items} />
    </>
  );
}

/** `/scorecards/team`: what a team should fix next, across every scorecard. */
export function TeamPage() {
  const [searchParams, setSearchParams] = useSearchParams();
  const group = searchParams.get('group') ?? '';
  return (
    <Box component="section" aria-label="My team">
      <Box sx={{ mb: 2 }}>
        <GroupField
          label="Team"
          value={group}
          onChange={value => setSearchParams(value ? { group: value } : {})}
        />
      </Box>
      {group ? <TeamFixList group={group} /> : <EmptyState title="Pick a team">See what its entities should fix next.</EmptyState>}
    </Box>
  );
}

export default TeamPage;
