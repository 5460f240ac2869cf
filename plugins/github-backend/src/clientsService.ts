import { coreServices, createServiceFactory, createServiceRef, type ServiceRef } from '@portico/backend-plugin-api';
import { githubIntegrationsConfigSchema } from './integration/config';
import { GithubClients } from './integration/GithubClients';

/**
 * The GitHub clients of `integrations.github`, one per host, shared by every feature of this package.
 * The section is parsed here and nowhere else: a bad value fails startup with a ConfigError naming its path.
 */
export const githubClientsServiceRef: ServiceRef<GithubClients, 'root'> = createServiceRef<GithubClients>({
  id: 'github.clients',
  scope: 'root',
  defaultFactory: () =>
    createServiceFactory({
      service: githubClientsServiceRef,
      deps: { config: coreServices.rootConfig, logger: coreServices.rootLogger },
      factory: ({ config, logger }) =>
        new GithubClients(config.parse('integrations.github', githubIntegrationsConfigSchema), logger.child({ plugin: 'github' })),
    }),
});
