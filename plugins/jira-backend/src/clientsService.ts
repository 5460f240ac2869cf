import { coreServices, createServiceFactory, createServiceRef, type ServiceRef } from '@portico/backend-plugin-api';
import { jiraIntegrationsConfigSchema } from './integration/config';
import { JiraClients } from './integration/JiraClients';

/**
 * The Jira clients of `integrations.jira`, one per site, shared by every feature of this package.
 * The section is parsed here and nowhere else: a bad value fails startup with a ConfigError naming its path.
 */
export const jiraClientsServiceRef: ServiceRef<JiraClients, 'root'> = createServiceRef<JiraClients>({
  id: 'jira.clients',
  scope: 'root',
  defaultFactory: () =>
    createServiceFactory({
      service: jiraClientsServiceRef,
      deps: { config: coreServices.rootConfig },
      factory: ({ config }) => new JiraClients(config.parse('integrations.jira', jiraIntegrationsConfigSchema)),
    }),
});
