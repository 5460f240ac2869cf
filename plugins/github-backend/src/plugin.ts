import { z } from 'zod';
import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  durationSchema,
  integrationsExtensionPoint,
  type BackendFeature,
} from '@portico/backend-plugin-api';
import { catalogProvidersExtensionPoint, catalogServiceRef } from '@portico/plugin-catalog-node';
import { githubPermissions } from '@portico/plugin-github-common';
import { insightsSourcesExtensionPoint } from '@portico/plugin-insights-node';
import { scaffolderActionsExtensionPoint } from '@portico/plugin-scaffolder-node';
import { scorecardsFactCollectorsExtensionPoint } from '@portico/plugin-scorecards-node';
import { createGithubActionsDispatchAction, createGithubPullRequestAction, createPublishGithubAction } from './actions/githubActions';
import { githubClientsServiceRef } from './clientsService';
import { migrations } from './database/migrations';
import { WebhookDeliveryStore } from './database/WebhookDeliveryStore';
import { githubCatalogProvidersConfigSchema, withIds } from './discovery/config';
import { GithubEntityProvider } from './discovery/GithubEntityProvider';
import { GithubOrgEntityProvider } from './discovery/GithubOrgEntityProvider';
import { createGithubFactCollector } from './facts/GithubFactCollector';
import { githubInsightsConfigSchema } from './insights/config';
import { createGithubInsightsSource } from './insights/GithubInsightsSource';
import { GithubIntegrationProvider } from './integration/GithubIntegrationProvider';
import { createRouter } from './router';
import { GithubRepositoryService } from './service/GithubRepositoryService';
import { createCatalogWebhookHandler } from './webhooks/catalogWebhookHandler';
import { GITHUB_WEBHOOK_TOPIC, type GithubWebhookEvent } from './webhooks/webhookEvents';

/** The plugin's keys of the `github:` section of app-config. */
export const githubPluginConfigSchema = z
  .object({
    /** The secret GitHub signs webhook deliveries with (X-Hub-Signature-256). */
    webhookSecret: z.string().min(1).optional(),
  })
  .strict()
  .prefault({});

/**
 * The scorecards module's keys of the `github:` section: the settings of GitHub's fact collector live with
 * GitHub's other settings, not in `scorecards:`. Parsed and checked once by the host like the plugin's keys.
 */
export const githubScorecardsConfigSchema = z
  .object({
    /** ISO-8601 duration between fact collections (`PT6H`), handed to the collector as written. */
    factsSchedule: z.string().refine(value => durationSchema.safeParse(value).success, 'is not an ISO-8601 duration').optional(),
  })
  .strict()
  .prefault({});

/** The `github` plugin: webhooks and the routes its frontend calls, under /api/github. */
export const githubPlugin = createBackendPlugin({
  pluginId: 'github',
  configSchema: githubPluginConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        http: coreServices.httpRouter,
        events: coreServices.events,
        clients: githubClientsServiceRef,
        health: coreServices.health,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
      },
      async init({ logger, http, events, clients, health, database, httpAuth, permissions, permissionsRegistry, auditor }, { pluginConfig: settings }) {
        permissionsRegistry.addPermissions(githubPermissions);
        if (!settings.webhookSecret) logger.info('github.webhookSecret is not set: POST /api/github/webhooks answers 503');
        await database.migrate(migrations);
        const deliveries = new WebhookDeliveryStore(await database.getClient());
        http.use(
          createRouter({ clients, service: new GithubRepositoryService(clients), events, logger, webhookSecret: settings.webhookSecret, deliveries, httpAuth, permissions, auditor }),
        );
        // Credentials valid and rate limit left, per host, in /readyz.
        const integration = new GithubIntegrationProvider(clients);
        health.addCheck('integrations', () => integration.health());
      },
    });
  },
});

/** `core.integrations`: reads GitHub blob and tree URLs; health per host. */
export const githubIntegrationModule = createBackendModule({
  pluginId: 'github',
  moduleId: 'integration',
  register(env) {
    env.registerInit({
      deps: { integrations: integrationsExtensionPoint, clients: githubClientsServiceRef },
      async init({ integrations, clients }) {
        integrations.addProvider(new GithubIntegrationProvider(clients));
      },
    });
  },
});

/** `catalog.providers`: organisation discovery and teams/members, kept fresh by schedule and webhooks. */
export const githubCatalogModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'github',
  configSchema: githubCatalogProvidersConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        providers: catalogProvidersExtensionPoint,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        events: coreServices.events,
        clients: githubClientsServiceRef,
      },
      async init({ providers, logger, scheduler, events, clients }, { pluginConfig }) {
        const discovery = withIds(pluginConfig.providers.github).map(c => new GithubEntityProvider(c, clients, logger));
        const orgs = withIds(pluginConfig.providers.githubOrg).map(c => new GithubOrgEntityProvider(c, clients, logger));
        providers.addEntityProvider(...discovery, ...orgs);
        for (const provider of [...discovery, ...orgs]) {
          const { frequency, timeout } = provider.config.schedule;
          const taskFrequency = typeof frequency === 'number' ? { duration: { milliseconds: frequency } } : frequency;
          await scheduler.scheduleTask({
            id: `${provider.getProviderName()}:refresh`,
            frequency: taskFrequency,
            timeout: { milliseconds: timeout },
            // The first run starts when the catalog connects the provider.
            ...(typeof frequency === 'number' ? { initialDelay: { milliseconds: frequency } } : {}),
            scope: 'global',
            fn: async () => void (await provider.run()),
          });
        }
        const handle = createCatalogWebhookHandler({ providers: discovery, orgProviders: orgs, logger });
        await events.subscribe({
          id: 'catalog-github-webhooks',
          topics: [GITHUB_WEBHOOK_TOPIC],
          onEvent: event => handle(event.payload as GithubWebhookEvent),
        });
      },
    });
  },
});

/** `scorecards.factCollectors`: repository facts for entities annotated github.com/project-slug. */
export const githubScorecardsModule = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'github',
  configSection: 'github',
  configSchema: githubScorecardsConfigSchema,
  register(env) {
    env.registerInit({
      deps: { collectors: scorecardsFactCollectorsExtensionPoint, clients: githubClientsServiceRef, logger: coreServices.logger },
      async init({ collectors, clients, logger }, { pluginConfig }) {
        collectors.addFactCollector(
          createGithubFactCollector({ service: new GithubRepositoryService(clients), logger, schedule: pluginConfig.factsSchedule }),
        );
      },
    });
  },
});

/** `scaffolder.actions`: publish:github, github:pull-request, github:actions:dispatch. */
export const githubScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'github',
  register(env) {
    env.registerInit({
      deps: { actions: scaffolderActionsExtensionPoint, clients: githubClientsServiceRef },
      async init({ actions, clients }) {
        actions.addActions(createPublishGithubAction(clients), createGithubPullRequestAction(clients), createGithubActionsDispatchAction(clients));
      },
    });
  },
});

/**
 * `insights.sources`: pull requests, deployments and deploy-workflow runs of annotated repositories, backfilled and
 * kept current by webhooks. Its settings are `github.insights` (workflows), with GitHub's other settings.
 */
export const githubInsightsModule = createBackendModule({
  pluginId: 'insights',
  moduleId: 'github',
  configSection: 'github',
  configSchema: githubInsightsConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        sources: insightsSourcesExtensionPoint,
        clients: githubClientsServiceRef,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        events: coreServices.events,
        logger: coreServices.logger,
      },
      async init({ sources, clients, catalog, auth, events, logger }, { pluginConfig }) {
        const catalogToken = async () => (await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' })).token || undefined;
        sources.addSource(createGithubInsightsSource({ clients, catalog, catalogToken, events, config: pluginConfig.insights, logger }));
      },
    });
  },
});

/** Everything this package offers; modules whose target plugin is not installed are skipped by the host. */
export const githubFeatures: BackendFeature[] = [
  githubPlugin,
  githubIntegrationModule,
  githubCatalogModule,
  githubScorecardsModule,
  githubScaffolderModule,
  githubInsightsModule,
];
