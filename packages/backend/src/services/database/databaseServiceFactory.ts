import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { DatabaseManager } from './DatabaseManager';

/**
 * Each plugin's own database. The root context is the DatabaseManager: the host calls its
 * `shutdown()` after the shutdown hooks to close every connection.
 */
export const databaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: { pluginMetadata: coreServices.pluginMetadata },
  rootDeps: { config: coreServices.rootConfig, logger: coreServices.rootLogger },
  createRootContext: ({ config, logger }) => DatabaseManager.fromConfig(config, { logger }),
  factory: ({ pluginMetadata }, manager: DatabaseManager) => manager.forPlugin(pluginMetadata.getId()),
});
