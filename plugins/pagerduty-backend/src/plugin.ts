import { z } from 'zod';
import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  durationSchema,
  integrationsExtensionPoint,
  type BackendFeature,
} from '@portico/backend-plugin-api';
import { catalogProcessorsExtensionPoint, catalogProvidersExtensionPoint, catalogServiceRef } from '@portico/plugin-catalog-node';
import { ResponseError } from '@portico/errors';
import { pagerdutyPermissions } from '@portico/plugin-pagerduty-common';
import { insightsSourcesExtensionPoint } from '@portico/plugin-insights-node';
import { scaffolderActionsExtensionPoint } from '@portico/plugin-scaffolder-node';
import { scorecardsFactCollectorsExtensionPoint } from '@portico/plugin-scorecards-node';
import { createChangeEventAction, createIncidentAction, createServiceAction } from './actions/pagerdutyActions';
import { pagerdutyCatalogConfigSchema } from './catalog/config';
import { PagerDutyServiceProvider } from './catalog/PagerDutyServiceProvider';
import { refreshOnMappingChange, savedMappingsReader } from './catalog/savedMappingsWiring';
import { SavedMappingProcessor } from './catalog/SavedMappingProcessor';
import { pagerdutyClientsServiceRef } from './clientsService';
import { migrations } from './database/migrations';
import { ServiceMappingStore } from './database/ServiceMappingStore';
import { WebhookEventStore } from '@portico/backend-plugin-api';
import { createPagerDutyFactCollector } from './facts/PagerDutyFactCollector';
import { prefixedCache } from './facts/prefixedCache';
import { pushFactsOnIncident } from './facts/pushFactsOnIncident';
import { PagerDutyIntegrationProvider } from './integration/PagerDutyIntegrationProvider';
import { createRouter } from './router';
import { PagerDutyEntityService } from './service/PagerDutyEntityService';
import { PagerDutyIncidentService } from './service/PagerDutyIncidentService';
import { PagerDutyMappingService } from './service/PagerDutyMappingService';
import { PagerDutyServiceCreator } from './service/PagerDutyServiceCreator';
import { createIncidentWebhookHandler } from './webhooks/incidentWebhook';
import { createPagerDutyInsightsSource } from './insights/PagerDutyInsightsSource';

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

const isoDuration = (fallback: string) => z.string().refine(value => durationSchema.safeParse(value).success, 'is not an ISO-8601 duration').default(fallback);

/**
 * The scorecards module's keys of the `pagerduty:` section: the settings of PagerDuty's fact collector live with
 * PagerDuty's other settings, not in `scorecards:`. Parsed and checked once by the host like the plugin's keys.
 */
export const pagerdutyScorecardsConfigSchema = z
  .object({
    /** ISO-8601 duration between fact collections (default PT30M); incident webhooks push facts in between. */
    factsSchedule: isoDuration('PT30M'),
    /** ISO-8601 duration after which uncollected facts are stale and rules using them unknown (default PT2H). */
    factsFreshness: isoDuration('PT2H'),
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
        events: coreServices.events,
      },
      async init({ logger, http, cache, database, clients, catalog, health, auth, httpAuth, permissions, permissionsRegistry, auditor, events }, { pluginConfig }) {
        permissionsRegistry.addPermissions(pagerdutyPermissions);
        if (clients.accounts.length === 0) logger.info('integrations.pagerduty has no account: /api/pagerduty answers 404 for every entity');
        await database.migrate(migrations);
        const store = new ServiceMappingStore(await database.getClient());
        const service = new PagerDutyEntityService({ clients, cache, ttls: pluginConfig.cache });
        const mappings = new PagerDutyMappingService({ clients, entities: service, store, catalog, events });
        const catalogToken = async () => (await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' })).token || undefined;
        const webhooks = {
          accounts: clients.accounts,
          events: new WebhookEventStore(await database.getClient()),
          handleIncident: createIncidentWebhookHandler({ service, clients, catalog, store, events, catalogToken }),
        };
        if (!clients.accounts.some(a => a.webhookSecrets.length > 0)) logger.info('No integrations.pagerduty account has webhookSecrets: POST /api/pagerduty/webhooks answers 503');
        const incidents = new PagerDutyIncidentService(service);
        http.use(createRouter({ service, mappings, incidents, store, catalog, auth, logger, httpAuth, permissions, auditor, webhooks }));
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
 * `pagerduty.com/service-id` annotations naming none of them as catalog errors. `catalog.processors`: mappings saved
 * on the services page become the mapped entities' `pagerduty.com/service-id` annotations (refreshed when one changes).
 */
export const pagerdutyCatalogModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'pagerduty',
  configSchema: pagerdutyCatalogConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        providers: catalogProvidersExtensionPoint,
        processors: catalogProcessorsExtensionPoint,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        events: coreServices.events,
        lifecycle: coreServices.lifecycle,
        clients: pagerdutyClientsServiceRef,
        catalog: catalogServiceRef,
      },
      async init({ providers, processors, logger, scheduler, auth, discovery, events, lifecycle, clients, catalog }, { pluginConfig }) {
        const catalogToken = async () => (await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' })).token;
        const refresh = async (entityRefs: string[]) => {
          const token = await catalogToken();
          for (const ref of entityRefs) {
            // an entity that is gone has nothing to refresh; anything else is logged and the next read catches up
            await catalog.refreshEntity(ref, token ? { token } : undefined).catch(error => {
              if (!(error instanceof ResponseError && error.response.status === 404)) logger.warn(`Refreshing ${ref} after a PagerDuty mapping change failed: ${(error as Error).message}`);
            });
          }
        };
        let started = false;
        lifecycle.addStartupHook(() => void (started = true), { label: 'pagerduty: saved mappings read without waiting from now on' });
        const processor = new SavedMappingProcessor({
          readMappings: savedMappingsReader({ discovery, auth }),
          started: () => started,
          defaultAccountId: clients.defaultAccountId,
          logger,
          onRecovered: refs => void refresh(refs),
        });
        processors.addProcessor(processor);
        lifecycle.addShutdownHook(() => processor.stop(), { label: 'pagerduty: stop waiting for the saved mappings' });
        await refreshOnMappingChange({ events, processor, refresh, logger });
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

/**
 * `scorecards.factCollectors`: `pagerduty.*` facts for entities annotated with a PagerDuty service, on
 * `pagerduty.factsSchedule`, and pushed again for the service's entities on every `pagerduty.incident.*` event.
 */
export const pagerdutyScorecardsModule = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'pagerduty',
  configSection: 'pagerduty',
  configSchema: pagerdutyScorecardsConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        collectors: scorecardsFactCollectorsExtensionPoint,
        clients: pagerdutyClientsServiceRef,
        cache: coreServices.cache,
        logger: coreServices.logger,
        events: coreServices.events,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ collectors, clients, cache, logger, events, discovery, auth }, { pluginConfig }) {
        // This module lives in scorecards' cache namespace: its PagerDuty answers are kept under their own prefix.
        const pdCache = prefixedCache(cache, 'pagerduty:');
        const service = new PagerDutyEntityService({ clients, cache: pdCache });
        collectors.addFactCollector(
          createPagerDutyFactCollector({ service, clients, cache: pdCache, logger, schedule: pluginConfig.factsSchedule, freshness: pluginConfig.factsFreshness }),
        );
        await pushFactsOnIncident({ events, service, clients, cache: pdCache, discovery, auth, logger });
      },
    });
  },
});

/**
 * `scaffolder.actions`: `pagerduty:incident:create`, `pagerduty:service:create` and `pagerduty:change-event`. Entities
 * named by `entityRef` are read from the catalog as the scaffolder's own service identity.
 */
export const pagerdutyScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'pagerduty',
  register(env) {
    env.registerInit({
      deps: { actions: scaffolderActionsExtensionPoint, clients: pagerdutyClientsServiceRef, cache: coreServices.cache, catalog: catalogServiceRef, auth: coreServices.auth },
      async init({ actions, clients, cache, catalog, auth }) {
        // This module lives in the scaffolder's cache namespace: its PagerDuty answers are kept under their own prefix.
        const service = new PagerDutyEntityService({ clients, cache: prefixedCache(cache, 'pagerduty:') });
        const incidents = new PagerDutyIncidentService(service);
        const readEntity = async (entityRef: string) => {
          const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' });
          return catalog.getEntityByRef(entityRef, token ? { token } : undefined);
        };
        actions.addActions(createIncidentAction(incidents, readEntity), createServiceAction(new PagerDutyServiceCreator(clients)), createChangeEventAction(incidents, readEntity));
      },
    });
  },
});

/**
 * `insights.sources`: the `pagerduty` source — incidents of every service an entity is mapped to, backfilled through
 * `GET /incidents` from per-service checkpoints and kept current by the `pagerduty.incident.*` events.
 */
export const pagerdutyInsightsModule = createBackendModule({
  pluginId: 'insights',
  moduleId: 'pagerduty',
  register(env) {
    env.registerInit({
      deps: {
        sources: insightsSourcesExtensionPoint,
        clients: pagerdutyClientsServiceRef,
        catalog: catalogServiceRef,
        cache: coreServices.cache,
        auth: coreServices.auth,
        events: coreServices.events,
        logger: coreServices.logger,
      },
      async init({ sources, clients, catalog, cache, auth, events, logger }) {
        const catalogToken = async () => (await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' })).token || undefined;
        // This module lives in the insights cache namespace: its PagerDuty answers are kept under their own prefix.
        const service = new PagerDutyEntityService({ clients, cache: prefixedCache(cache, 'pagerduty:') });
        sources.addSource(createPagerDutyInsightsSource({ clients, catalog, catalogToken, service, events, logger }));
      },
    });
  },
});

/** Everything this package offers; modules whose target plugin is not installed are skipped by the host. */
export const pagerdutyFeatures: BackendFeature[] = [
  pagerdutyPlugin,
  pagerdutyIntegrationModule,
  pagerdutyCatalogModule,
  pagerdutyScorecardsModule,
  pagerdutyScaffolderModule,
  pagerdutyInsightsModule,
];
