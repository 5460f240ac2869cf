import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { CacheManager } from './CacheManager';

/**
 * Each plugin's cache, namespaced by plugin id over one shared store. The root context is the
 * CacheManager: the host calls its `shutdown()` on stop (closes the Redis connection). In memory on several
 * instances, sets and deletes are announced through the events service (BroadcastCacheStore).
 */
export const cacheServiceFactory = createServiceFactory({
  service: coreServices.cache,
  deps: { pluginMetadata: coreServices.pluginMetadata },
  rootDeps: { config: coreServices.rootConfig, logger: coreServices.rootLogger, events: coreServices.events },
  createRootContext: ({ config, logger, events }) => CacheManager.fromConfig(config, { logger, events }),
  factory: ({ pluginMetadata }, manager: CacheManager) => manager.forPlugin(pluginMetadata.getId()),
});
