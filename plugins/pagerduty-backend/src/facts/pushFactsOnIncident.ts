import type { AuthService, CacheService, DiscoveryService, EventsService, LoggerService } from '@portico/backend-plugin-api';
import { PAGERDUTY_INCIDENT_TOPICS, type PagerDutyIncidentEvent } from '@portico/plugin-pagerduty-common';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PagerDutyEntityService } from '../service/PagerDutyEntityService';
import { collectServiceFacts, lastIncidentCacheKey } from './PagerDutyFactCollector';

/**
 * Keeps facts current between scheduled runs: on every `pagerduty.incident.*` event it forgets what the collector
 * cached about the service, reads the service again and pushes the facts of each mapped entity to
 * `POST /api/scorecards/facts` (source `pagerduty`, as the collector stores them), which re-evaluates the entity.
 * The webhook is answered without waiting for PagerDuty; a failure is logged and the next scheduled run catches up.
 */
export async function pushFactsOnIncident(options: {
  events: EventsService;
  service: PagerDutyEntityService;
  clients: PagerDutyClients;
  cache: CacheService;
  discovery: DiscoveryService;
  auth: AuthService;
  logger: LoggerService;
}): Promise<void> {
  const { events, service, cache, discovery, auth, logger } = options;

  async function push(event: PagerDutyIncidentEvent): Promise<void> {
    const { account, serviceId } = event;
    await Promise.all([service.forgetService({ account, serviceId }), cache.delete(lastIncidentCacheKey(account, serviceId))]);
    const url = `${await discovery.getBaseUrl('scorecards')}/facts`;
    const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'scorecards' });
    for (const entityRef of event.entityRefs) {
      const facts = await collectServiceFacts({ ...options, entityRef, target: { account, serviceId } });
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ entityRef, source: 'pagerduty', facts }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`scorecards answered ${response.status} to the facts of ${entityRef}: ${(await response.text()).slice(0, 300)}`);
      await response.body?.cancel();
    }
  }

  await events.subscribe({
    id: 'scorecards-pagerduty-facts',
    topics: [...PAGERDUTY_INCIDENT_TOPICS],
    onEvent: ({ payload }) => {
      const event = payload as PagerDutyIncidentEvent;
      if (!event?.entityRefs?.length) return;
      push(event).catch((error: unknown) =>
        logger.warn(`PagerDuty facts after ${event.eventType} ${event.eventId} (service ${event.serviceId}) not pushed: ${(error as Error).message}`),
      );
    },
  });
}
