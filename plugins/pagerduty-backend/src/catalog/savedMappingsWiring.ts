import type { AuthService, DiscoveryService, EventsService, LoggerService } from '@portico/backend-plugin-api';
import { ResponseError } from '@portico/errors';
import type { ServiceMapping } from '../database/ServiceMappingStore';
import { PAGERDUTY_MAPPING_CHANGED_TOPIC, type PagerDutyMappingChangedEvent } from '../service/mappingEvents';
import type { SavedMappingProcessor } from './SavedMappingProcessor';

/** Reads every saved mapping from `GET /api/pagerduty/mappings` with the catalog's own service token. */
export function savedMappingsReader(deps: { discovery: DiscoveryService; auth: AuthService }): () => Promise<ServiceMapping[]> {
  return async () => {
    const url = `${await deps.discovery.getBaseUrl('pagerduty')}/mappings`;
    const { token } = await deps.auth.getPluginRequestToken({ onBehalfOf: await deps.auth.getOwnServiceCredentials(), targetPluginId: 'pagerduty' });
    const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(5000) });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return ((await response.json()) as { items: ServiceMapping[] }).items;
  };
}

/**
 * On `pagerduty.mapping.changed`: every instance reads the mappings again, and one of them (after reading) asks the
 * catalog to refresh the entities the mapping named before and now, so their annotation follows within seconds.
 */
export async function refreshOnMappingChange(deps: {
  events: EventsService;
  processor: SavedMappingProcessor;
  refresh(entityRefs: string[]): Promise<void>;
  logger: LoggerService;
}): Promise<void> {
  const { events, processor, refresh, logger } = deps;
  const reload = () => processor.reload().catch(error => logger.warn(`Reading the saved PagerDuty mappings again failed: ${(error as Error).message}`));
  await events.subscribe({ id: 'catalog-pagerduty-mappings', topics: [PAGERDUTY_MAPPING_CHANGED_TOPIC], onEvent: () => void reload() });
  await events.subscribe({
    id: 'catalog-pagerduty-mapping-refresh',
    topics: [PAGERDUTY_MAPPING_CHANGED_TOPIC],
    delivery: 'once',
    onEvent: async ({ payload }) => {
      const event = payload as PagerDutyMappingChangedEvent;
      if (!Array.isArray(event?.entityRefs)) return;
      await reload();
      await refresh(event.entityRefs);
    },
  });
}
