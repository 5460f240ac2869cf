import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { backendStateServiceRef } from '../../wiring/BackendState';
import { DatabaseManager } from './DatabaseManager';

/**
 * Each plugin's own database. The root context is the DatabaseManager: the host calls its
 * `shutdown()` after the shutdown hooks to close every connection.
 */
export const databaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: { pluginMetadata: coreServices.pluginMetadata },
  rootDeps: { config: coreServices.rootConfig, logger: coreServices.rootLogger, state: backendStateServiceRef },
  createRootContext: ({ config, logger, state }) => {
    const manager = DatabaseManager.fromConfig(config, { logger });
    // /readyz says not ready while PostgreSQL does not answer
    state?.setDatabaseCheck(() => manager.ping());
    return manager;
  },
  factory: ({ pluginMetadata }, manager: DatabaseManager) => manager.forPlugin(pluginMetadata.getId()),
});
