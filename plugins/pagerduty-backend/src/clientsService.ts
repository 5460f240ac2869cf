import { coreServices, createServiceFactory, createServiceRef, type ServiceRef } from '@portico/backend-plugin-api';
import { pagerdutyIntegrationsConfigSchema } from './integration/config';
import { PagerDutyClients } from './integration/PagerDutyClients';

/**
 * The PagerDuty clients of `integrations.pagerduty`, one per account, shared by every feature of this package.
 * The section is parsed here and nowhere else: a bad value fails startup with a ConfigError naming its path.
 */
export const pagerdutyClientsServiceRef: ServiceRef<PagerDutyClients, 'root'> = createServiceRef<PagerDutyClients>({
  id: 'pagerduty.clients',
  scope: 'root',
  defaultFactory: () =>
    createServiceFactory({
      service: pagerdutyClientsServiceRef,
      deps: { config: coreServices.rootConfig },
      factory: ({ config }) => new PagerDutyClients(config.parse('integrations.pagerduty', pagerdutyIntegrationsConfigSchema)),
    }),
});
