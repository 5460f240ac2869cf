import type { CompoundEntityRef } from '@portico/catalog-model';
import { createPluginHttpClient, type DiscoveryApi, type FetchApi, type PluginHttpClient } from '@portico/frontend-plugin-api';
import type { PagerDutyEntitySummary, PagerDutyServiceList, PagerDutyTriggeredIncident, PagerDutyTriggerIncidentRequest } from '@portico/plugin-pagerduty-common';
import type { PagerDutyApi } from './PagerDutyApi';

/** PagerDutyApi over HTTP: discovery finds `/api/pagerduty`, fetchApi adds credentials. */
export class PagerDutyClient implements PagerDutyApi {
  private readonly http: PluginHttpClient;

  constructor(deps: { discoveryApi: DiscoveryApi; fetchApi?: FetchApi }) {
    this.http = createPluginHttpClient({ pluginId: 'pagerduty', ...deps });
  }

  getEntitySummary(entity: CompoundEntityRef): Promise<PagerDutyEntitySummary> {
    return this.http.request(`/entities/${entityPath(entity)}/summary`);
  }

  triggerIncident(entity: CompoundEntityRef, request: PagerDutyTriggerIncidentRequest): Promise<PagerDutyTriggeredIncident> {
    return this.http.request(`/entities/${entityPath(entity)}/incidents`, { method: 'POST', body: request });
  }

  listServices(options: { account?: string } = {}): Promise<PagerDutyServiceList> {
    return this.http.request(`/services${options.account ? `?${new URLSearchParams({ account: options.account })}` : ''}`);
  }

  async mapService(options: { account: string; serviceId: string; entityRef: string }): Promise<void> {
    await this.http.request(mappingPath(options), { method: 'PUT', body: { entityRef: options.entityRef } });
  }

  async unmapService(options: { account: string; serviceId: string }): Promise<void> {
    await this.http.request(mappingPath(options), { method: 'DELETE' });
  }
}

const mappingPath = (options: { account: string; serviceId: string }) => `/services/${encodeURIComponent(options.account)}/${encodeURIComponent(options.serviceId)}/mapping`;

const entityPath = (entity: CompoundEntityRef) => [entity.kind, entity.namespace, entity.name].map(p => encodeURIComponent(p)).join('/');
