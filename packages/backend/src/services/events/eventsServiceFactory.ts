import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { rootLifecycleServiceRef } from '../lifecycle/RootLifecycleService';
import { InProcessEvents } from './InProcessEvents';
import { PostgresEvents, readEventsRetention } from './PostgresEvents';

/**
 * On PostgreSQL the events are stored and carried between instances (PostgresEvents); on SQLite, where one
 * instance owns the data directory, they stay in the process.
 */
export const eventsServiceFactory = createServiceFactory({
  service: coreServices.events,
  deps: { logger: coreServices.rootLogger, config: coreServices.rootConfig, lifecycle: rootLifecycleServiceRef },
  factory({ logger, config, lifecycle }) {
    const eventsLogger = logger.child({ service: 'events' });
    if (config.getOptionalString('backend.database.client') !== 'pg') {
      readEventsRetention(config); // a bad value is reported on SQLite too
      return new InProcessEvents(eventsLogger);
    }
    const events = new PostgresEvents({ config, logger: eventsLogger });
    lifecycle.addShutdownHook(() => events.shutdown(), { label: 'events database' });
    lifecycle.addStartupHook(
      () => {
        // Registered last, so it runs first: deliveries stop before any plugin's own shutdown hook.
        lifecycle.addShutdownHook(() => events.stopDelivering(), { label: 'events delivery' });
        events.startDelivering();
      },
      { label: 'events delivery' },
    );
    return events;
  },
});
