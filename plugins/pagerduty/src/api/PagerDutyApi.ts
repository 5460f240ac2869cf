import type { CompoundEntityRef } from '@portico/catalog-model';
import { createApiRef } from '@portico/frontend-plugin-api';
import type { PagerDutyEntitySummary, PagerDutyServiceList, PagerDutyTriggeredIncident, PagerDutyTriggerIncidentRequest } from '@portico/plugin-pagerduty-common';

/** What the PagerDuty backend offers the browser (routes under /api/pagerduty). */
export interface PagerDutyApi {
  /** On-call, escalation policy, open incidents, change events and 30-day analytics of an entity's service. */
  getEntitySummary(entity: CompoundEntityRef): Promise<PagerDutyEntitySummary>;
  /** Triggers an incident on an entity's service (needs `pagerduty.incident.create`). */
  triggerIncident(entity: CompoundEntityRef, request: PagerDutyTriggerIncidentRequest): Promise<PagerDutyTriggeredIncident>;
  /** The account's services (the default account without `account`) with the entity each is mapped to. */
  listServices(options?: { account?: string }): Promise<PagerDutyServiceList>;
  /** Saves the entity a service belongs to. */
  mapService(options: { account: string; serviceId: string; entityRef: string }): Promise<void>;
  /** Forgets the entity saved for a service. */
  unmapService(options: { account: string; serviceId: string }): Promise<void>;
}

export const pagerdutyApiRef = createApiRef<PagerDutyApi>({ id: 'plugin.pagerduty.service' });
