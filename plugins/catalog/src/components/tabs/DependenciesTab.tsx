import { Stack } from '@mui/material';
import { RELATION_DEPENDENCY_OF, RELATION_DEPENDS_ON } from '@portico/catalog-model';
import { useEntity } from '@portico/plugin-catalog-react';
import { InfoCard } from '../shared/InfoCard';
import { RelatedEntitiesTable, relatedRefs } from '../shared/RelatedEntitiesTable';

/** The Dependencies tab: what this entity depends on, and what depends on it. */
export function DependenciesTab() {
  const { entity } = useEntity();
  return (
    <Stack spacing={3}>
      <InfoCard title="Depends on">
        <RelatedEntitiesTable
          label="Depends on"
          entityRefs={relatedRefs(entity, RELATION_DEPENDS_ON)}
          emptyMessage="This entity depends on nothing in the catalog."
        />
      </InfoCard>
      <InfoCard title="Depended on by">
        <RelatedEntitiesTable
          label="Depended on by"
          entityRefs={relatedRefs(entity, RELATION_DEPENDENCY_OF)}
          emptyMessage="Nothing in the catalog depends on this entity."
        />
      </InfoCard>
    </Stack>
  );
}

export default DependenciesTab;
