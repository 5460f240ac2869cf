/** @portico/plugin-pagerduty-backend: the PagerDuty integration as a bundle of backend features. */
import { pagerdutyFeatures } from './plugin';

export default pagerdutyFeatures;
export {
  pagerdutyPlugin,
  pagerdutyIntegrationModule,
  pagerdutyCatalogModule,
  pagerdutyScorecardsModule,
  pagerdutyScaffolderModule,
  pagerdutyInsightsModule,
  pagerdutyFeatures,
  pagerdutyPluginConfigSchema,
  pagerdutyScorecardsConfigSchema,
} from './plugin';
export { pagerdutyClientsServiceRef } from './clientsService';
export { PagerDutyClients } from './integration/PagerDutyClients';
export { PagerDutyClient, type PagerDutyQuery } from './integration/PagerDutyClient';
export { PagerDutyIntegrationProvider } from './integration/PagerDutyIntegrationProvider';
export { pagerdutyAccountConfigSchema, pagerdutyIntegrationsConfigSchema, type PagerDutyAccountConfig } from './integration/config';
export { PagerDutyEntityService, annotatedServiceTarget, defaultCacheTtls, type PagerDutyCacheTtls } from './service/PagerDutyEntityService';
export { PagerDutyServiceProvider, type PagerDutyServiceCheck } from './catalog/PagerDutyServiceProvider';
export { pagerdutyCatalogConfigSchema, pagerdutyCatalogProviderConfigSchema } from './catalog/config';
export { PagerDutyMappingService } from './service/PagerDutyMappingService';
export { ServiceMappingStore, type ServiceMapping } from './database/ServiceMappingStore';
export { createPagerDutyFactCollector, collectServiceFacts, pagerdutyFacts, type PagerDutyFacts } from './facts/PagerDutyFactCollector';
export { PagerDutyIncidentService, MAX_INCIDENT_TITLE, type TriggerIncidentRequest, type TriggeredIncident, type ChangeEventRequest } from './service/PagerDutyIncidentService';
export { PagerDutyServiceCreator, type CreateServiceRequest, type CreatedService, type NewEscalationPolicy } from './service/PagerDutyServiceCreator';
export { createIncidentAction, createServiceAction, createChangeEventAction } from './actions/pagerdutyActions';
export { createPagerDutyInsightsSource, type PagerDutyInsightsSourceOptions } from './insights/PagerDutyInsightsSource';
export { toIncidentEvents, PAGERDUTY_INSIGHTS_SOURCE } from './insights/incidentEvents';
