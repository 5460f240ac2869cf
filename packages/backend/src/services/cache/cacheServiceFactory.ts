import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { CacheManager } from './CacheManager';

/** Each plugin's cache, namespaced by plugin id over one shared store. */
export const cacheServiceFactory = createServiceFactory({
  service: coreServices.cache,
  deps: { pluginMetadata: coreServices.pluginMetadata },
  rootDeps: { config: coreServices.rootConfig },
  createRootContext: ({ config }) => CacheManager.fromConfig(config),
  factory: ({ pluginMetadata }, manager: CacheManager) => manager.forPlugin(pluginMetadata.getId()),
});
