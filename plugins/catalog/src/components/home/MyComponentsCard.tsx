import { Link, List, ListItem, ListItemText, Typography } from '@mui/material';
import { identityApiRef, useApi } from '@portico/frontend-plugin-api';
import { catalogApiRef } from '@portico/plugin-catalog-react';
import { EmptyState, ErrorPanel, Progress, useAsync } from '@portico/core-components';
import { Link as RouterLink } from 'react-router';
import { EntityRefLink } from '../shared/EntityRefLink';

const LIMIT = 10;
/** The kinds a person thinks of as "their components"; users and groups are who owns, not what is owned. */
const OWNED_KINDS = ['Component', 'API', 'Resource', 'System', 'Domain'];
const FIELDS = ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'spec.type'];
/** The catalog page showing the same kinds the card counts (it opens on components alone otherwise). */
const OWNED_VIEW = `/catalog?${new URLSearchParams([['owned', 'me'], ...OWNED_KINDS.map(kind => ['kind', kind])])}`;

/**
 * The home card "My components": what the signed-in user and their groups own, asked of the catalog with a
 * `relations.ownedBy` filter on the user's ownership refs, the first few by name with a link to all of them.
 */
export function MyComponentsCard() {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const owned = useAsync(async () => {
    const { ownershipEntityRefs } = await identityApi.getIdentity();
    return catalogApi.queryEntities({
      filter: { kind: OWNED_KINDS, 'relations.ownedBy': ownershipEntityRefs },
      fields: FIELDS,
      limit: LIMIT,
      orderFields: [{ field: 'metadata.name', order: 'asc' }],
    });
  }, [identityApi, catalogApi]);

  if (owned.error) return <ErrorPanel title="Could not load your components" error={owned.error} onRetry={owned.retry} />;
  if (owned.loading || !owned.value) return <Progress label="Loading your components" />;
  const { items, totalItems } = owned.value;
  if (items.length === 0) {
    return (
      <EmptyState title="You own no components yet">
        Set <code>spec.owner</code> of a component to you or your team in its catalog-info.yaml, or{' '}
        <Link component={RouterLink} to="/catalog-import">
          register one
        </Link>
        .
      </EmptyState>
    );
  }
  return (
    <>
      <List dense aria-label="My components">
        {items.map(entity => (
          <ListItem key={`${entity.kind}:${entity.metadata.namespace}/${entity.metadata.name}`} disableGutters>
            <ListItemText
              primary={<EntityRefLink entityRef={entity} />}
              secondary={[entity.kind, typeof entity.spec?.type === 'string' ? entity.spec.type : undefined].filter(Boolean).join(' · ')}
            />
          </ListItem>
        ))}
      </List>
      <Typography variant="body2">
        <Link component={RouterLink} to={OWNED_VIEW}>
          {totalItems > items.length ? `All ${totalItems} you own in the catalog` : 'Owned by me in the catalog'}
        </Link>
      </Typography>
    </>
  );
}

export default MyComponentsCard;
