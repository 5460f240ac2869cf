import { coreServices, createServiceFactory, createServiceRef, type ServiceRef } from '@portico/backend-plugin-api';
import { readGithubIntegrationConfig } from './integration/config';
import { GithubClients } from './integration/GithubClients';

/** The GitHub clients of `integrations.github`, one per host, shared by every feature of this package. */
export const githubClientsServiceRef: ServiceRef<GithubClients, 'root'> = createServiceRef<GithubClients>({
  id: 'github.clients',
  scope: 'root',
  defaultFactory: () =>
    createServiceFactory({
      service: githubClientsServiceRef,
      deps: { config: coreServices.rootConfig, logger: coreServices.rootLogger },
      factory: ({ config, logger }) => new GithubClients(readGithubIntegrationConfig(config), logger.child({ plugin: 'github' })),
    }),
});
