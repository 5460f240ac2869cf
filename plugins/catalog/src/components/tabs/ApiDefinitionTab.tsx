import { Stack } from '@mui/material';
import { RELATION_API_CONSUMED_BY, RELATION_API_PROVIDED_BY } from '@portico/catalog-model';
import { useEntity } from '@portico/plugin-catalog-react';
import { ApiDefinition } from '../apiDefinition/ApiDefinition';
import { InfoCard } from '../shared/InfoCard';
import { RelatedEntitiesTable, relatedRefs } from '../shared/RelatedEntitiesTable';

/** The Definition tab of an API entity: the definition, and the components that provide and consume it. */
export function ApiDefinitionTab() {
  const { entity } = useEntity();
  return (
    <Stack spacing={3}>
      <InfoCard title="Definition">
        <ApiDefinition type={String(entity.spec?.type ?? '')} definition={String(entity.spec?.definition ?? '')} />
      </InfoCard>
      <InfoCard title="Provided by">
        <RelatedEntitiesTable
          label="Provided by"
          entityRefs={relatedRefs(entity, RELATION_API_PROVIDED_BY)}
          emptyMessage="No component provides this API."
        />
      </InfoCard>
      <InfoCard title="Consumed by">
        <RelatedEntitiesTable
          label="Consumed by"
          entityRefs={relatedRefs(entity, RELATION_API_CONSUMED_BY)}
          emptyMessage="No component consumes this API."
        />
      </InfoCard>
    </Stack>
  );
}

export default ApiDefinitionTab;
