import { Box, Button, Chip, List, ListItem, ListItemText, Stack } from '@mui/material';
import { RELATION_MEMBER_OF, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { catalogApiRef, useEntity } from '@portico/plugin-catalog-react';
import { useState } from 'react';
import { useAsync } from '@portico/core-components';
import { EntityRefLink } from '../shared/EntityRefLink';
import { InfoCard } from '../shared/InfoCard';
import { relatedRefs } from '../shared/RelatedEntitiesTable';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';

const PAGE = 20;
const FIELDS = ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'metadata.description', 'spec.type'];

/**
 * Everything a group owns (for a user: what they and their groups own), counted by kind and listed a page at a
 * time, from the catalog's `relations.ownedBy` filter.
 */
export function OwnershipCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const owners = [stringifyEntityRef(entity), ...(entity.kind.toLocaleLowerCase('en-US') === 'user' ? relatedRefs(entity, RELATION_MEMBER_OF) : [])];
  const filter = { 'relations.ownedBy': owners };
  const key = owners.join('\n');
  const facets = useAsync(() => catalogApi.getEntityFacets({ facets: ['kind'], filter }), [catalogApi, key]);
  const first = useAsync(
    () => catalogApi.queryEntities({ filter, fields: FIELDS, limit: PAGE, orderFields: [{ field: 'metadata.name', order: 'asc' }] }),
    [catalogApi, key],
  );
  // Further pages belong to the first page they followed; a new first page starts over.
  const [extra, setExtra] = useState<{ after?: object; items: Entity[]; cursor?: string }>({ items: [] });
  const more =
    extra.after && extra.after === first.value ? extra : { items: [], cursor: first.value?.pageInfo.nextCursor };
  const [loadingMore, setLoadingMore] = useState(false);

  const loadMore = async () => {
    if (!more.cursor) return;
    setLoadingMore(true);
    try {
      const res = await catalogApi.queryEntities({ cursor: more.cursor, fields: FIELDS, limit: PAGE });
      setExtra({ after: first.value, items: [...more.items, ...res.items], cursor: res.pageInfo.nextCursor });
    } finally {
      setLoadingMore(false);
    }
  };

  let body;
  if (first.error) body = <ErrorPanel title="Could not load what this owns" error={first.error} onRetry={first.retry} />;
  else if (first.loading || !first.value) body = <Progress label="Loading owned entities" />;
  else if (first.value.items.length === 0) body = <EmptyState title="Owns nothing in the catalog" />;
  else {
    const items = [...first.value.items, ...more.items];
    body = (
      <>
        <Stack direction="row" spacing={1} sx={{ mb: 1, flexWrap: 'wrap' }} aria-label="Owned entities by kind" role="list">
          {(facets.value?.facets.kind ?? []).map(({ value, count }) => (
            <Chip key={value} role="listitem" label={`${value}: ${count}`} size="small" />
          ))}
        </Stack>
        <List dense aria-label="Owned entities">
          {items.map(item => (
            <ListItem key={stringifyEntityRef(item)} disableGutters>
              <ListItemText
                primary={<EntityRefLink entityRef={item} />}
                secondary={[item.kind, typeof item.spec?.type === 'string' ? item.spec.type : undefined].filter(Boolean).join(' · ')}
              />
            </ListItem>
          ))}
        </List>
        <Box sx={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <span>
            {items.length} of {first.value.totalItems}
          </span>
          {more.cursor ? (
            <Button onClick={loadMore} disabled={loadingMore}>
              Show more
            </Button>
          ) : null}
        </Box>
      </>
    );
  }
  return <InfoCard title="Ownership">{body}</InfoCard>;
}

export default OwnershipCard;
