import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { RootLifecycle } from './RootLifecycle';

export const rootLifecycleServiceFactory = createServiceFactory({
  service: coreServices.rootLifecycle,
  deps: { logger: coreServices.rootLogger },
  factory({ logger }) {
    return new RootLifecycle(logger.child({ service: 'lifecycle' }));
  },
});
