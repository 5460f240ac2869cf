import { Link, List, ListItem, ListItemText, Typography } from '@mui/material';
import { identityApiRef, useApi } from '@portico/frontend-plugin-api';
import { humanizeEntityRef } from '@portico/plugin-catalog-react';
import { EmptyState, ErrorPanel, Progress, useAsync } from '@portico/core-components';
import { Link as RouterLink } from 'react-router';
import { scorecardsApiRef } from '../../api/ScorecardsApi';
import { SCORECARDS_ROOT } from '../shared/routes';

/**
 * The home card "Initiatives that concern me": initiatives whose scorecard measures an entity the signed-in user or
 * their groups own (within the initiative's scope), soonest deadline first; the backend filters by the ownership refs.
 */
export function MyInitiativesCard() {
  const identityApi = useApi(identityApiRef);
  const scorecardsApi = useApi(scorecardsApiRef);
  const initiatives = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getIdentity();
    return scorecardsApi.getInitiatives({ owners: ownershipEntityRefs });
  }, [identityApi, scorecardsApi]);

  if (initiatives.error) return <ErrorPanel title="Could not load your initiatives" error={initiatives.error} onRetry={initiatives.retry} />;
  if (initiatives.loading || !initiatives.value) return <Progress label="Loading your initiatives" />;
  const now = Date.now();
  const items = [...initiatives.value].sort((a, b) => Date.parse(a.deadline) - Date.parse(b.deadline));
  if (items.length === 0) {
    return (
      <EmptyState title="No initiative concerns what you own">
        When a scorecard's owner sets a target for entities you own, it appears here; see all{' '}
        <Link component={RouterLink} to={`${SCORECARDS_ROOT}/initiatives`}>
          initiatives
        </Link>
        .
      </EmptyState>
    );
  }
  return (
    <List dense aria-label="Initiatives that concern me">
      {items.map(initiative => {
        const overdue = Date.parse(initiative.deadline) < now;
        return (
          <ListItem key={initiative.id} disableGutters>
            <ListItemText
              primary={
                <Link component={RouterLink} to={`${SCORECARDS_ROOT}/initiatives/${encodeURIComponent(initiative.id)}`}>
                  {initiative.title}
                </Link>
              }
              secondary={
                <>
                  {initiative.targetLevel} on {humanizeEntityRef(initiative.scorecardRef, { defaultKind: 'scorecard' })} by{' '}
                  <time dateTime={initiative.deadline}>{new Date(initiative.deadline).toLocaleDateString()}</time>
                  {overdue ? (
                    <Typography component="span" variant="inherit" color="error">
                      {' '}
                      (overdue)
                    </Typography>
                  ) : null}
                </>
              }
            />
          </ListItem>
        );
      })}
    </List>
  );
}

export default MyInitiativesCard;
