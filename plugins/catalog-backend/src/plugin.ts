import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
} from '@portico/backend-plugin-api';
import { builtinKinds, type Entity } from '@portico/catalog-model';
import { CATALOG_ENTITY_RESOURCE_TYPE, catalogEntityDeletePermission, catalogEntityReadPermission, catalogEntityRefreshPermission, catalogPermissions } from '@portico/plugin-catalog-common';
import {
  CATALOG_ENTITIES_CHANGED_TOPIC,
  CATALOG_LOAD_FINISHED_TOPIC,
  catalogKindsExtensionPoint,
  catalogProcessorsExtensionPoint,
  catalogProvidersExtensionPoint,
  type CatalogProcessor,
  type EntityProvider,
} from '@portico/plugin-catalog-node';
import { catalogConfigSchema } from './config';
import { CatalogStore } from './database/CatalogStore';
import { catalogMigrations } from './database/migrations';
import { catalogPermissionRules } from './permissions/rules';
import { createRouter } from './router';
import { CatalogService } from './service/CatalogService';
import { KindRegistry } from './service/KindRegistry';
import { largeConfigFiles } from './service/locations/LocationService';
import { parseAhead, releaseYamlParser } from './service/locations/yamlDocuments';

/**
 * An outbox row this old was most likely left by an instance that died; publishing the row of a long write
 * still running elsewhere a second time is harmless (consumers take changes at least once).
 */
const UNANNOUNCED_CHANGE_AGE_MS = 5 * 60_000;

/** The catalog: kinds, providers, locations, set-based ingestion and the Backstage-compatible API. */
export const catalogPlugin = createBackendPlugin({
  pluginId: 'catalog',
  configSchema: catalogConfigSchema,
  register(env) {
    const kinds = new KindRegistry();
    const providers: EntityProvider[] = [];
    env.registerExtensionPoint(catalogKindsExtensionPoint, { addKind: kind => kinds.add(kind) });
    env.registerExtensionPoint(catalogProvidersExtensionPoint, { addEntityProvider: (...p) => providers.push(...p.flat()) });
    const processors: CatalogProcessor[] = [];
    env.registerExtensionPoint(catalogProcessorsExtensionPoint, {
      addProcessor: (...p) => {
        for (const processor of p) {
          if (processors.some(q => q.getProcessorName() === processor.getProcessorName())) throw new Error(`catalog.processors: processor '${processor.getProcessorName()}' is added twice`);
          processors.push(processor);
        }
      },
    });
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        events: coreServices.events,
        integrations: coreServices.integrations,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
      },
      async init(
        { logger, database, httpRouter, scheduler, lifecycle, events, integrations, httpAuth, permissions, permissionsRegistry, auditor },
        { pluginConfig: settings },
      ) {
        for (const kind of builtinKinds) if (!kinds.has(kind.kind)) kinds.add(kind);
        const yamlLimits = { maxAliases: settings.limits.maxYamlAliases, maxExpandedBytes: settings.limits.maxEntityBytes, timeoutMs: settings.limits.parseTimeoutMs };
        // a large file in config is parsed on a thread: read it and start parsing now, on the other core, while
        // migrations and the other plugins run (the first read finds its first chunks parsed)
        const [largeFile] = largeConfigFiles(settings.locations);
        if (largeFile) parseAhead(largeFile, { maxBytes: settings.maxFileBytes, limits: yamlLimits });
        await database.migrate(catalogMigrations);
        const store = new CatalogStore(await database.getClient(), { countsMaxStalenessMs: settings.counts.maxStaleness });
        await store.ensureIndexes();
        // While the first read of every location runs, change events say so (`loading`), and its end is published:
        // subscribers' background work waits for it instead of competing with the load.
        let firstReadRunning = true;
        const catalog = new CatalogService({
          store,
          kinds,
          integrations,
          logger,
          orphanStrategy: settings.orphanStrategy,
          rules: settings.rules,
          maxFileBytes: settings.maxFileBytes,
          limits: {
            maxEntityBytes: settings.limits.maxEntityBytes,
            maxEntitiesPerFile: settings.limits.maxEntitiesPerFile,
            yaml: yamlLimits,
          },
          onChanges: changes =>
            events.publish({
              topic: CATALOG_ENTITIES_CHANGED_TOPIC,
              payload: firstReadRunning ? { ...changes, loading: true } : changes,
              metadata: { plugin: 'catalog' },
            }),
          onPublishFailed: (error, rows) =>
            logger.warn(`Announcing catalog changes failed (${(error as Error)?.message ?? error}); ${rows} outbox row(s) kept to announce later`),
          processors,
        });
        await catalog.start({ providers, locations: settings.locations });
        permissionsRegistry.addPermissions(catalogPermissions);
        permissionsRegistry.addResourceType<Entity, unknown>({
          resourceType: CATALOG_ENTITY_RESOURCE_TYPE,
          permissions: [catalogEntityReadPermission, catalogEntityDeletePermission, catalogEntityRefreshPermission],
          rules: catalogPermissionRules,
          // served entities (with their relations), so IS_ENTITY_OWNER sees the ownedBy relation
          getResources: async refs => {
            const texts = await catalog.queries.getByRefs(refs);
            return texts.map(text => (text === 'null' ? undefined : (JSON.parse(text) as Entity)));
          },
        });
        httpRouter.use(createRouter({ catalog, httpAuth, permissions, auditor }));

        let stopped = false;
        const readAll = async () => {
          if (stopped) return;
          const started = Date.now();
          await catalog.locations.refreshAll();
          logger.debug(`Read all locations in ${Date.now() - started} ms`);
        };
        // Read right away (not awaited: the API answers while the first read runs), then on a schedule.
        const firstStarted = Date.now();
        const first = readAll()
          .then(
            () => true,
            error => {
              logger.error(`Initial catalog read failed: ${(error as Error).message}`);
              return false;
            },
          )
          .then(ok => {
            firstReadRunning = false;
            return events.publish({ topic: CATALOG_LOAD_FINISHED_TOPIC, payload: { durationMs: Date.now() - firstStarted, ok }, metadata: { plugin: 'catalog' } });
          })
          .catch(error => logger.error(`Publishing ${CATALOG_LOAD_FINISHED_TOPIC} failed: ${(error as Error).message}`))
          .finally(releaseYamlParser); // if no read took the parse ahead
        await scheduler.scheduleTask({
          id: 'catalog-refresh-locations',
          frequency: { duration: { milliseconds: settings.processingInterval } },
          initialDelay: { milliseconds: settings.processingInterval },
          timeout: 'PT10M',
          scope: 'global',
          fn: async () => {
            if (stopped) return;
            // changes an instance that died (while this one ran on) committed and never announced; not in the
            // first read at init, which runs before the other plugins have subscribed
            await catalog.ingestion.publishUndelivered({ olderThanMs: UNANNOUNCED_CHANGE_AGE_MS });
            await readAll();
          },
        });
        // Changes committed before a crash but never announced (the outbox), once every subscriber is in.
        lifecycle.addStartupHook(() => {
          void catalog.ingestion
            .publishUndelivered()
            .then(n => n > 0 && logger.info(`Published ${n} entity change(s) committed earlier but never announced`))
            .catch(error => logger.error(`Publishing the catalog's unannounced changes failed: ${(error as Error).message}`));
        });
        lifecycle.addShutdownHook(async () => {
          stopped = true;
          await first;
          // providers may still be writing (their own schedules): finish that before the database closes
          await catalog.ingestion.close();
          await store.close();
        }, { label: 'catalog: finish the current read and writes' });
      },
    });
  },
});

/** Registers the built-in kinds through `catalog.kinds` (the plugin also adds any not registered). */
export const catalogModuleBuiltinKinds = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'builtin-kinds',
  register(env) {
    env.registerInit({
      deps: { kinds: catalogKindsExtensionPoint },
      async init({ kinds }) {
        for (const kind of builtinKinds) kinds.addKind(kind);
      },
    });
  },
});
