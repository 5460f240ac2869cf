import { z } from 'zod';
import type { EventsService } from '@portico/backend-plugin-api';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import {
  PAGERDUTY_INCIDENT_EVENT_TYPES,
  pagerdutyIncidentTopic,
  type PagerDutyIncidentEvent,
  type PagerDutyIncidentEventType,
} from '@portico/plugin-pagerduty-common';
import type { ServiceMappingStore } from '../database/ServiceMappingStore';
import type { PagerDutyClients } from '../integration/PagerDutyClients';
import type { PagerDutyEntityService } from '../service/PagerDutyEntityService';
import { entitiesOfService } from './entitiesOfService';

/** The envelope of a V3 webhook delivery: `{ event: { id, event_type, resource_type, occurred_at, data } }`. */
export const webhookPayloadSchema = z.looseObject({
  event: z.looseObject({
    id: z.string().min(1).max(255),
    event_type: z.string().min(1).max(255),
    resource_type: z.string().optional(),
    occurred_at: z.string().optional(),
    data: z.record(z.string(), z.unknown()).nullish(),
  }),
});
export type WebhookPayload = z.output<typeof webhookPayloadSchema>;

const incidentData = z.looseObject({
  id: z.string().min(1),
  number: z.number().optional(),
  title: z.string().optional(),
  status: z.string().optional(),
  urgency: z.string().optional(),
  html_url: z.string().optional(),
  service: z.looseObject({ id: z.string().regex(/^[A-Za-z0-9]{1,64}$/) }),
});

const incidentEventTypes = new Set<string>(PAGERDUTY_INCIDENT_EVENT_TYPES);
export const isIncidentEventType = (type: string): type is PagerDutyIncidentEventType => incidentEventTypes.has(type);

/**
 * Applies a verified incident event: forgets the service's cached on-call and incidents, finds the entities mapped
 * to it, and publishes the event on `pagerduty.incident.<type>` (the scorecards module pushes fresh facts from there).
 * Returns undefined for an event that is not about an incident of a service (nothing to do).
 */
export function createIncidentWebhookHandler(deps: {
  service: PagerDutyEntityService;
  clients: PagerDutyClients;
  catalog: CatalogApi;
  store: ServiceMappingStore;
  events: EventsService;
  catalogToken: () => Promise<string | undefined>;
}) {
  return async (account: string, event: WebhookPayload['event'] & { event_type: PagerDutyIncidentEventType }): Promise<PagerDutyIncidentEvent | undefined> => {
    const data = incidentData.safeParse(event.data);
    if (!data.success) return undefined;
    const incident = data.data;
    const serviceId = incident.service.id;
    await deps.service.forgetService({ account, serviceId });
    const entityRefs = await entitiesOfService({ ...deps, token: await deps.catalogToken() }, { account, serviceId });
    const message: PagerDutyIncidentEvent = {
      eventId: event.id,
      eventType: event.event_type,
      occurredAt: event.occurred_at ?? new Date().toISOString(),
      account,
      serviceId,
      entityRefs,
      incident: {
        id: incident.id,
        number: incident.number ?? null,
        title: incident.title ?? null,
        status: incident.status ?? null,
        urgency: incident.urgency ?? null,
        htmlUrl: incident.html_url ?? null,
      },
    };
    await deps.events.publish({ topic: pagerdutyIncidentTopic(event.event_type), payload: message, metadata: { plugin: 'pagerduty' } });
    return message;
  };
}
