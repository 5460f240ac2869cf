import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { RootLifecycle } from './RootLifecycle';
import { rootLifecycleServiceRef } from './RootLifecycleService';

export const rootLifecycleServiceFactory = createServiceFactory({
  service: rootLifecycleServiceRef,
  deps: { logger: coreServices.rootLogger },
  factory({ logger }) {
    return new RootLifecycle(logger.child({ service: 'lifecycle' }));
  },
});
