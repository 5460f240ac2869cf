import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { CATALOG_FILTER_EXISTS, type CatalogApi } from '@portico/plugin-catalog-common';
import { ANNOTATION_PAGERDUTY_ACCOUNT, ANNOTATION_PAGERDUTY_INTEGRATION_KEY, ANNOTATION_PAGERDUTY_SERVICE_ID } from '@portico/plugin-pagerduty-common';
import type { ServiceMappingStore } from '../database/ServiceMappingStore';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PagerDutyEntityService } from '../service/PagerDutyEntityService';

/**
 * The entities a PagerDuty service belongs to: annotated with its id (or one of its integration keys) for that
 * account, or mapped to it on the services page. Read with the plugin's own token; sorted refs.
 */
export async function entitiesOfService(
  deps: { catalog: CatalogApi; store: ServiceMappingStore; service: PagerDutyEntityService; clients: PagerDutyClients; token?: string },
  options: { account: string; serviceId: string },
): Promise<string[]> {
  const { account, serviceId } = options;
  const isDefault = account === deps.clients.defaultAccountId;
  const ofAccount = (entity: Entity) => {
    const named = entity.metadata.annotations?.[ANNOTATION_PAGERDUTY_ACCOUNT]?.trim();
    return named ? named === account : isDefault;
  };
  const catalogOptions = deps.token ? { token: deps.token } : undefined;
  const [byId, byKey, saved] = await Promise.all([
    deps.catalog.getEntities({ filter: { [`metadata.annotations.${ANNOTATION_PAGERDUTY_SERVICE_ID}`]: serviceId } }, catalogOptions),
    deps.catalog.getEntities({ filter: { [`metadata.annotations.${ANNOTATION_PAGERDUTY_INTEGRATION_KEY}`]: CATALOG_FILTER_EXISTS } }, catalogOptions),
    deps.store.list(account),
  ]);
  const refs = new Set<string>();
  for (const entity of byId.items) if (ofAccount(entity) && entity.metadata.annotations?.[ANNOTATION_PAGERDUTY_SERVICE_ID]?.trim() === serviceId) refs.add(stringifyEntityRef(entity));
  for (const entity of byKey.items.filter(ofAccount)) {
    const integrationKey = entity.metadata.annotations![ANNOTATION_PAGERDUTY_INTEGRATION_KEY].trim();
    // The key-to-service map is cached per account: one PagerDuty call however many entities use keys.
    const resolved = await deps.service.resolveService({ account, integrationKey }).catch(() => undefined);
    if (resolved?.serviceId === serviceId) refs.add(stringifyEntityRef(entity));
  }
  for (const mapping of saved) if (mapping.serviceId === serviceId) refs.add(mapping.entityRef);
  return [...refs].sort();
}
