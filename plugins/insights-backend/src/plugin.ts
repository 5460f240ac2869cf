import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import { insightsPermissions } from '@portico/plugin-insights-common';
import { insightsSourcesExtensionPoint, type InsightsSource } from '@portico/plugin-insights-node';
import { insightsConfigSchema } from './config';
import { CheckpointStore } from './database/CheckpointStore';
import { EventStore } from './database/EventStore';
import { migrations } from './database/migrations';
import { EventIngestor } from './ingest/EventIngestor';
import type { MissingEntities } from './ingest/validate';
import { InsightsMaintenance, MAINTENANCE_INTERVAL_MS } from './maintenance';
import { createMetricsService, registerFactsRoute } from './metrics';
import { createRouter } from './router';
import { scheduleSources } from './sources/scheduleSources';

/** A source id is the `source` of the events it writes: the push API's rule applies. */
const SOURCE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The `insights` plugin: the events store (deployments, pull requests, incidents), the push API and the metrics
 * routes under /api/insights, the sources contributed through `insights.sources` (backfilled on a schedule and
 * connected for webhooks), the daily retention clean-up, and the maintenance of the metrics' derived rows (pending
 * updates of writes, a changed definitions config) at start and every 10 minutes.
 */
export const insightsPlugin = createBackendPlugin({
  pluginId: 'insights',
  configSchema: insightsConfigSchema,
  register(env) {
    const sources: InsightsSource[] = [];
    let frozen = false;
    env.registerExtensionPoint(insightsSourcesExtensionPoint, {
      addSource(source) {
        if (frozen) throw new Error(`insights.sources: source '${source?.id}' was added after the insights plugin started; add sources during init`);
        if (!source || typeof source.id !== 'string' || !SOURCE_ID.test(source.id)) {
          throw new Error(`insights.sources: a source id must be 1-100 letters, digits, . _ : or -; got ${JSON.stringify(source?.id)}`);
        }
        if (sources.some(s => s.id === source.id)) throw new Error(`insights.sources: two sources have the id '${source.id}'`);
        if (!source.backfill && !source.connect) throw new Error(`insights.sources: source '${source.id}' has neither backfill nor connect`);
        sources.push(source);
      },
    });

    env.registerInit({
      deps: {
        logger: coreServices.logger,
        http: coreServices.httpRouter,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        events: coreServices.events,
      },
      async init({ logger, http, database, scheduler, lifecycle, catalog, auth, httpAuth, permissions, permissionsRegistry, auditor, events }, { pluginConfig: config }) {
        frozen = true;
        permissionsRegistry.addPermissions(insightsPermissions);
        await database.migrate(migrations);
        const db = await database.getClient();
        const store = new EventStore(db);
        const checkpoints = new CheckpointStore(db);
        const metrics = createMetricsService({
          db,
          catalog,
          auth,
          config: { productionEnvironments: config.productionEnvironments, failureWindowMs: config.failureWindow },
          logger,
          // Each write publishes insights.metrics.changed, so the scorecards module collects those facts at once.
          events,
        });

        // Pushed refs are checked as the plugin itself: a CI token may be restricted to this plugin alone.
        const missingEntities: MissingEntities = async refs => {
          const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' });
          const { items } = await catalog.getEntitiesByRefs({ entityRefs: refs, fields: ['kind', 'metadata.name', 'metadata.namespace'] }, { token });
          return refs.filter((_, i) => !items[i]);
        };
        const ingestor = new EventIngestor({ store, missingEntities, metrics, logger });

        http.use(createRouter({ ingestor, metrics, catalog, auth, httpAuth, permissions, auditor, addRoutes: routes => registerFactsRoute(routes, metrics) }));

        // In the background, so a large recomputation never holds the start; the routes answer meanwhile.
        const maintenance = new InsightsMaintenance({ ingestor, metrics, logger });
        void maintenance.run();
        lifecycle.addShutdownHook(() => maintenance.stop(), { label: 'insights maintenance' });
        await scheduler.scheduleTask({
          id: 'maintenance',
          frequency: { duration: { milliseconds: MAINTENANCE_INTERVAL_MS } },
          initialDelay: { milliseconds: MAINTENANCE_INTERVAL_MS },
          timeout: { hours: 6 },
          // Every instance: each takes pending changes a minute old or more (a crashed instance's too).
          scope: 'local',
          fn: () => maintenance.run({ sweep: true }),
        });

        await scheduleSources({
          sources,
          sink: ingestor.sink(),
          checkpoints,
          scheduler,
          lifecycle,
          logger,
          backfillWindowMs: config.backfillWindow,
          backfillScheduleMs: config.backfillSchedule,
        });
        if (sources.length > 0) logger.info(`Insights sources: ${sources.map(s => s.id).join(', ')}`);

        await scheduler.scheduleTask({
          id: 'retention',
          frequency: { duration: { days: 1 } },
          timeout: { hours: 1 },
          scope: 'global',
          fn: async () => {
            const cutoff = Date.now() - config.retention;
            const deleted = await store.deleteOlderThan(cutoff);
            // the derived rows (deploy outcomes, lead times) of the deleted events go too
            await metrics.retentionApplied?.(cutoff);
            const total = deleted.deployment + deleted.pullRequest + deleted.incident;
            if (total > 0) logger.info(`Insights retention deleted ${deleted.deployment} deployments, ${deleted.pullRequest} pull requests and ${deleted.incident} incidents`);
          },
        });
      },
    });
  },
});
