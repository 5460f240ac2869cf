import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { SchedulerManager } from './SchedulerManager';

/**
 * Each plugin's scheduler. The root context is the SchedulerManager: the host calls its
 * `shutdown()` on stop to end every task loop and close the scheduler's database.
 */
export const schedulerServiceFactory = createServiceFactory({
  service: coreServices.scheduler,
  deps: { pluginMetadata: coreServices.pluginMetadata, logger: coreServices.logger },
  rootDeps: { config: coreServices.rootConfig, logger: coreServices.rootLogger },
  createRootContext: ({ config, logger }) => new SchedulerManager({ config, logger }),
  factory: ({ pluginMetadata, logger }, manager: SchedulerManager) => manager.forPlugin(pluginMetadata.getId(), logger),
});
