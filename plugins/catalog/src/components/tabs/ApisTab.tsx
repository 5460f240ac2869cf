import { Button, Stack } from '@mui/material';
import { RELATION_CONSUMES_API, RELATION_PROVIDES_API, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { humanizeEntityRef, useEntity } from '@portico/plugin-catalog-react';
import { useEffect, useRef, useState } from 'react';
import { ApiDefinition } from '../apiDefinition/ApiDefinition';
import { InfoCard } from '../shared/InfoCard';
import { RelatedEntitiesTable, relatedRefs } from '../shared/RelatedEntitiesTable';

/** The APIs tab of a component: what it provides and consumes, and the definition of the one picked. */
export function ApisTab() {
  const { entity } = useEntity();
  const [selected, setSelected] = useState<Entity>();
  const definitionRef = useRef<HTMLDivElement>(null);
  // The definition opens below the tables: bring it into view.
  // (A block body: newer browsers return a promise from scrollIntoView, which React would take for a cleanup.)
  useEffect(() => {
    definitionRef.current?.scrollIntoView?.({ behavior: 'smooth', block: 'start' });
  }, [selected]);
  const showButton = (api: Entity) => (
    <Button size="small" onClick={() => setSelected(api)} aria-label={`Show definition of ${api.metadata.name}`}>
      Definition
    </Button>
  );
  return (
    <Stack spacing={3}>
      <InfoCard title="Provided APIs">
        <RelatedEntitiesTable
          label="Provided APIs"
          entityRefs={relatedRefs(entity, RELATION_PROVIDES_API)}
          emptyMessage="This component provides no APIs."
          rowAction={showButton}
        />
      </InfoCard>
      <InfoCard title="Consumed APIs">
        <RelatedEntitiesTable
          label="Consumed APIs"
          entityRefs={relatedRefs(entity, RELATION_CONSUMES_API)}
          emptyMessage="This component consumes no APIs."
          rowAction={showButton}
        />
      </InfoCard>
      {selected ? (
        <div ref={definitionRef}>
        <InfoCard
          title={`Definition of ${humanizeEntityRef(stringifyEntityRef(selected), { defaultKind: 'api' })}`}
          action={<Button onClick={() => setSelected(undefined)}>Close</Button>}
        >
          <ApiDefinition type={String(selected.spec?.type ?? '')} definition={String(selected.spec?.definition ?? '')} />
        </InfoCard>
        </div>
      ) : null}
    </Stack>
  );
}

export default ApisTab;
