import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { InProcessEvents } from './InProcessEvents';

export const eventsServiceFactory = createServiceFactory({
  service: coreServices.events,
  deps: { logger: coreServices.rootLogger },
  factory({ logger }) {
    return new InProcessEvents(logger.child({ service: 'events' }));
  },
});
