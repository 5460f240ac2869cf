import { Box, Link, List, ListItem, ListItemText, Typography } from '@mui/material';
import {
  RELATION_CHILD_OF,
  RELATION_HAS_MEMBER,
  RELATION_MEMBER_OF,
  RELATION_PARENT_OF,
  type Entity,
} from '@portico/catalog-model';
import { useApi } from '@portico/frontend-plugin-api';
import { catalogApiRef, useEntity } from '@portico/plugin-catalog-react';
import { useAsync } from '@portico/core-components';
import { EntityRefLink } from '../shared/EntityRefLink';
import { InfoCard } from '../shared/InfoCard';
import { relatedRefs } from '../shared/RelatedEntitiesTable';
import { EmptyState, ErrorPanel, Progress } from '@portico/core-components';

interface Profile {
  displayName?: string;
  email?: string;
}

function profileOf(entity: Entity): Profile {
  const profile = entity.spec?.profile;
  return typeof profile === 'object' && profile !== null ? (profile as Profile) : {};
}

/** A group's members, with their display names and e-mail addresses. */
export function GroupMembersCard() {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const refs = relatedRefs(entity, RELATION_HAS_MEMBER);
  const { loading, error, value, retry } = useAsync(
    async () => (refs.length ? (await catalogApi.getEntitiesByRefs({ entityRefs: refs })).items : []),
    [catalogApi, refs.join('\n')],
  );
  let body;
  if (refs.length === 0) body = <EmptyState title="This group has no members" />;
  else if (error) body = <ErrorPanel title="Could not load the members" error={error} onRetry={retry} />;
  else if (loading || !value) body = <Progress label="Loading members" />;
  else {
    body = (
      <List dense aria-label="Members">
        {refs.map((ref, i) => {
          const user = value[i];
          const profile = user ? profileOf(user) : {};
          return (
            <ListItem key={ref} disableGutters>
              <ListItemText
                primary={<EntityRefLink entityRef={user ?? ref} defaultKind="user" title={profile.displayName ?? user?.metadata.name} />}
                secondary={profile.email ? <Link href={`mailto:${profile.email}`}>{profile.email}</Link> : undefined}
              />
            </ListItem>
          );
        })}
      </List>
    );
  }
  return <InfoCard title={`Members (${refs.length})`}>{body}</InfoCard>;
}

function RefList({ label, refs, defaultKind, empty }: { label: string; refs: string[]; defaultKind: string; empty: string }) {
  return (
    <Box sx={{ mb: 2 }}>
      <Typography variant="subtitle2" component="h3">
        {label}
      </Typography>
      {refs.length === 0 ? (
        <Typography color="text.secondary">{empty}</Typography>
      ) : (
        <List dense aria-label={label}>
          {refs.map(ref => (
            <ListItem key={ref} disableGutters>
              <EntityRefLink entityRef={ref} defaultKind={defaultKind} />
            </ListItem>
          ))}
        </List>
      )}
    </Box>
  );
}

/** Where a group sits in the organisation: its parent and its child groups. */
export function GroupHierarchyCard() {
  const { entity } = useEntity();
  const profile = profileOf(entity);
  return (
    <InfoCard title="Group">
      {profile.displayName ? <Typography variant="subtitle1">{profile.displayName}</Typography> : null}
      {profile.email ? (
        <Typography sx={{ mb: 2 }}>
          <Link href={`mailto:${profile.email}`}>{profile.email}</Link>
        </Typography>
      ) : null}
      <RefList label="Parent group" refs={relatedRefs(entity, RELATION_CHILD_OF)} defaultKind="group" empty="No parent group" />
      <RefList label="Child groups" refs={relatedRefs(entity, RELATION_PARENT_OF)} defaultKind="group" empty="No child groups" />
    </InfoCard>
  );
}

/** A person: their profile and the groups they belong to. */
export function UserProfileCard() {
  const { entity } = useEntity();
  const profile = profileOf(entity);
  return (
    <InfoCard title="Profile">
      <Typography variant="h6" component="p">
        {profile.displayName ?? entity.metadata.title ?? entity.metadata.name}
      </Typography>
      {profile.email ? (
        <Typography sx={{ mb: 2 }}>
          <Link href={`mailto:${profile.email}`}>{profile.email}</Link>
        </Typography>
      ) : null}
      <RefList label="Member of" refs={relatedRefs(entity, RELATION_MEMBER_OF)} defaultKind="group" empty="Not a member of any group" />
    </InfoCard>
  );
}
