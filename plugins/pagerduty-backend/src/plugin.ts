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
import { pagerdutyPermissions } from '@portico/plugin-pagerduty-common';
import { pagerdutyCatalogConfigSchema } from './catalog/config';
import { PagerDutyServiceProvider } from './catalog/PagerDutyServiceProvider';
import { pagerdutyClientsServiceRef } from './clientsService';
import { migrations } from './database/migrations';
import { ServiceMappingStore } from './database/ServiceMappingStore';
import { PagerDutyIntegrationProvider } from './integration/PagerDutyIntegrationProvider';
import { createRouter } from './router';
import { PagerDutyEntityService } from './service/PagerDutyEntityService';
import { PagerDutyMappingService } from './service/PagerDutyMappingService';

/** The `pagerduty:` section of app-config. */
export const pagerdutyPluginConfigSchema = z
  .object({
    /** How long answers are cached (ISO-8601 durations such as PT1M, or `{ minutes: 1 }`). */
    cache: z
      .object({
        /** Service, escalation policy and who is on call (default PT1M). */
        onCall: durationSchema.prefault('PT1M'),
        /** Open incidents and change events (default PT1M). */
        incidents: durationSchema.prefault('PT1M'),
        /** 30-day analytics and integration-key lookups (default PT1H). */
        analytics: durationSchema.prefault('PT1H'),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/**
 * The `pagerduty` plugin: the routes its frontend calls, under /api/pagerduty (entity summary, services and their
 * saved mappings, stored in its database), and the accounts' health in /readyz.
 */
export const pagerdutyPlugin = createBackendPlugin({
  pluginId: 'pagerduty',
  configSchema: pagerdutyPluginConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        http: coreServices.httpRouter,
        cache: coreServices.cache,
        database: coreServices.database,
        clients: pagerdutyClientsServiceRef,
        catalog: catalogServiceRef,
        health: coreServices.health,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
      },
      async init({ logger, http, cache, database, clients, catalog, health, auth, httpAuth, permissions, permissionsRegistry, auditor }, { pluginConfig }) {
        permissionsRegistry.addPermissions(pagerdutyPermissions);
        if (clients.accounts.length === 0) logger.info('integrations.pagerduty has no account: /api/pagerduty answers 404 for every entity');
        await database.migrate(migrations);
        const store = new ServiceMappingStore(await database.getClient());
        const service = new PagerDutyEntityService({ clients, cache, ttls: pluginConfig.cache });
        const mappings = new PagerDutyMappingService({ clients, entities: service, store, catalog });
        http.use(createRouter({ service, mappings, store, catalog, auth, logger, httpAuth, permissions, auditor }));
        // API key accepted, per account, in /readyz.
        const integration = new PagerDutyIntegrationProvider(clients);
        health.addCheck('integrations', () => integration.health());
      },
    });
  },
});

/** `core.integrations`: lists the PagerDuty accounts; health per account. */
export const pagerdutyIntegrationModule = createBackendModule({
  pluginId: 'pagerduty',
  moduleId: 'integration',
  register(env) {
    env.registerInit({
      deps: { integrations: integrationsExtensionPoint, clients: pagerdutyClientsServiceRef },
      async init({ integrations, clients }) {
        integrations.addProvider(new PagerDutyIntegrationProvider(clients));
      },
    });
  },
});

/**
 * `catalog.providers`: `catalog.providers.pagerduty.<id>` lists an account's services on its schedule and reports
 * `pagerduty.com/service-id` annotations naming none of them as catalog errors.
 */
export const pagerdutyCatalogModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'pagerduty',
  configSchema: pagerdutyCatalogConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        providers: catalogProvidersExtensionPoint,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        clients: pagerdutyClientsServiceRef,
        catalog: catalogServiceRef,
      },
      async init({ providers, logger, scheduler, auth, clients, catalog }, { pluginConfig }) {
        const catalogToken = async () => (await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' })).token;
        const configured = Object.entries(pluginConfig.providers.pagerduty).map(([id, c]) => new PagerDutyServiceProvider({ ...c, id }, { clients, catalog, catalogToken, logger }));
        // A provider naming an account that is not configured fails startup, naming both.
        for (const provider of configured) clients.forAccount(provider.config.account);
        providers.addEntityProvider(...configured);
        for (const provider of configured) {
          const { frequency, timeout } = provider.config.schedule;
          await scheduler.scheduleTask({
            id: `${provider.getProviderName()}:refresh`,
            frequency: { duration: { milliseconds: frequency } },
            timeout: { milliseconds: timeout },
            // The catalog connects providers and reads its locations first.
            initialDelay: { milliseconds: Math.min(frequency, 60_000) },
            scope: 'global',
            fn: async () => void (await provider.run()),
          });
        }
      },
    });
  },
});

/** Everything this package offers; modules whose target plugin is not installed are skipped by the host. */
export const pagerdutyFeatures: BackendFeature[] = [pagerdutyPlugin, pagerdutyIntegrationModule, pagerdutyCatalogModule];
