import { Box, Link, List, ListItem, ListItemText, Stack, Typography } from '@mui/material';
import { identityApiRef, useApi } from '@portico/frontend-plugin-api';
import type { ScorecardRule, ScorecardSummary } from '@portico/plugin-scorecards-common';
import { EmptyState, ErrorPanel, Progress, useAsync } from '@portico/core-components';
import { Link as RouterLink } from 'react-router';
import { scorecardsApiRef, type ScorecardResultRow } from '../../api/ScorecardsApi';
import { EntityLink } from '../shared/EntityLink';
import { LevelChip } from '../shared/LevelChip';
import { RemediationText } from '../shared/RemediationText';
import { scorecardRoute, SCORECARDS_ROOT } from '../shared/routes';

const LIMIT = 200;

interface FailingRule {
  scorecard: ScorecardSummary;
  rule: ScorecardRule;
  entityRefs: string[];
}

/** Groups the owners' rows per scorecard (in scorecard order) and collects each failing rule with the entities failing it. */
function arrange(rows: ScorecardResultRow[], scorecards: ScorecardSummary[]) {
  const byRef = new Map(scorecards.map(s => [s.ref, s]));
  const perScorecard = new Map<string, { scorecard: ScorecardSummary; rows: ScorecardResultRow[] }>();
  const failing = new Map<string, FailingRule>();
  for (const row of rows) {
    const scorecard = byRef.get(row.scorecardRef);
    if (!scorecard) continue;
    const group = perScorecard.get(scorecard.ref) ?? { scorecard, rows: [] };
    group.rows.push(row);
    perScorecard.set(scorecard.ref, group);
    for (const ruleId of row.failingRules) {
      const rule = scorecard.spec.rules.find(r => r.id === ruleId);
      if (!rule) continue;
      const key = `${scorecard.ref}\u0000${ruleId}`;
      const entry = failing.get(key) ?? { scorecard, rule, entityRefs: [] };
      entry.entityRefs.push(row.entityRef);
      failing.set(key, entry);
    }
  }
  return { perScorecard: [...perScorecard.values()], failing: [...failing.values()] };
}

/**
 * The home card "My scorecards": the level of each entity the signed-in user and their groups own, per scorecard,
 * and the rules those entities fail with what to do about them. The backend filters by the ownership refs.
 */
export function MyScorecardsCard() {
  const identityApi = useApi(identityApiRef);
  const scorecardsApi = useApi(scorecardsApiRef);
  const data = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getIdentity();
    const [results, scorecards] = await Promise.all([
      scorecardsApi.getResultsOfOwners({ owners: ownershipEntityRefs, limit: LIMIT }),
      scorecardsApi.getScorecards(),
    ]);
    return { ...arrange(results.items, scorecards), totalItems: results.totalItems, shown: results.items.length };
  }, [identityApi, scorecardsApi]);

  if (data.error) return <ErrorPanel title="Could not load your scorecards" error={data.error} onRetry={data.retry} />;
  if (data.loading || !data.value) return <Progress label="Loading your scorecards" />;
  const { perScorecard, failing, totalItems, shown } = data.value;
  if (perScorecard.length === 0) {
    return (
      <EmptyState title="No scorecard measures anything you own yet">
        Scorecards measure the entities you and your teams own; see which{' '}
        <Link component={RouterLink} to={SCORECARDS_ROOT}>
          scorecards
        </Link>{' '}
        exist and what they ask for.
      </EmptyState>
    );
  }
  return (
    <Stack spacing={2}>
      {perScorecard.map(({ scorecard, rows }) => (
        <Box key={scorecard.ref} component="section" aria-label={scorecard.title ?? scorecard.name}>
          <Typography variant="subtitle1" component="h3">
            <Link component={RouterLink} to={scorecardRoute(scorecard.ref)}>
              {scorecard.title ?? scorecard.name}
            </Link>
          </Typography>
          <List dense aria-label={`Levels on ${scorecard.title ?? scorecard.name}`}>
            {rows.map(row => (
              <ListItem key={row.entityRef} disableGutters secondaryAction={<LevelChip levels={scorecard.spec.levels} level={row.level} />}>
                <ListItemText primary={<EntityLink entityRef={row.entityRef} defaultKind="component" />} />
              </ListItem>
            ))}
          </List>
        </Box>
      ))}
      {totalItems > shown ? (
        <Typography variant="body2" color="text.secondary">
          Showing {shown} of {totalItems} results.
        </Typography>
      ) : null}
      <Box component="section" aria-label="Failing rules">
        <Typography variant="subtitle1" component="h3">
          Failing rules
        </Typography>
        {failing.length === 0 ? (
          <Typography color="text.secondary">Everything you own passes every rule. Well done.</Typography>
        ) : (
          <List dense aria-label="Failing rules">
            {failing.map(({ scorecard, rule, entityRefs }) => (
              <ListItem key={`${scorecard.ref}/${rule.id}`} disableGutters alignItems="flex-start">
                <ListItemText
                  primary={`${rule.title ?? rule.id} (${scorecard.title ?? scorecard.name}): ${entityRefs.length} failing`}
                  secondary={
                    <>
                      {rule.remediation ? (
                        <Box component="span" sx={{ display: 'block' }}>
                          <RemediationText text={rule.remediation} />
                        </Box>
                      ) : null}
                      <Box component="span" sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
                        {entityRefs.map(ref => (
                          <EntityLink key={ref} entityRef={ref} defaultKind="component" />
                        ))}
                      </Box>
                    </>
                  }
                />
              </ListItem>
            ))}
          </List>
        )}
      </Box>
    </Stack>
  );
}

export default MyScorecardsCard;
