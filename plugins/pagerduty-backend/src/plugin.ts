import { z } from 'zod';
import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  durationSchema,
  integrationsExtensionPoint,
  type BackendFeature,
} from '@portico/backend-plugin-api';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import { pagerdutyPermissions } from '@portico/plugin-pagerduty-common';
import { pagerdutyClientsServiceRef } from './clientsService';
import { PagerDutyIntegrationProvider } from './integration/PagerDutyIntegrationProvider';
import { createRouter } from './router';
import { PagerDutyEntityService } from './service/PagerDutyEntityService';

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

/** The `pagerduty` plugin: the routes its frontend calls, under /api/pagerduty, and the accounts' health in /readyz. */
export const pagerdutyPlugin = createBackendPlugin({
  pluginId: 'pagerduty',
  configSchema: pagerdutyPluginConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        http: coreServices.httpRouter,
        cache: coreServices.cache,
        clients: pagerdutyClientsServiceRef,
        catalog: catalogServiceRef,
        health: coreServices.health,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
      },
      async init({ logger, http, cache, clients, catalog, health, auth, httpAuth, permissions, permissionsRegistry, auditor }, { pluginConfig }) {
        permissionsRegistry.addPermissions(pagerdutyPermissions);
        if (clients.accounts.length === 0) logger.info('integrations.pagerduty has no account: /api/pagerduty answers 404 for every entity');
        const service = new PagerDutyEntityService({ clients, cache, ttls: pluginConfig.cache });
        http.use(createRouter({ service, catalog, auth, logger, httpAuth, permissions, auditor }));
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

/** Everything this package offers; modules whose target plugin is not installed are skipped by the host. */
export const pagerdutyFeatures: BackendFeature[] = [pagerdutyPlugin, pagerdutyIntegrationModule];
