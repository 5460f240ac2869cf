import { useEntity } from '@portico/frontend-plugin-api';
import { ApiDefinition } from '../apiDefinition/ApiDefinition';
import { InfoCard } from '../shared/InfoCard';

/** The Definition tab of an API entity. */
export function ApiDefinitionTab() {
  const { entity } = useEntity();
  return (
    <InfoCard title="Definition">
      <ApiDefinition type={String(entity.spec?.type ?? '')} definition={String(entity.spec?.definition ?? '')} />
    </InfoCard>
  );
}

export default ApiDefinitionTab;
