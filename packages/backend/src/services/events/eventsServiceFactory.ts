import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { rootLifecycleServiceRef } from '../lifecycle/RootLifecycleService';
import { InProcessEvents } from './InProcessEvents';
import { PostgresEvents } from './PostgresEvents';
import { RedisEvents } from './RedisEvents';
import { reportEventsLag } from './eventsMetrics';
import { readEventsRetention } from './eventsRetention';

/**
 * `backend.events.store: redis`: the events are carried between instances on a Redis stream (RedisEvents).
 * Otherwise, on PostgreSQL they are stored and carried between instances by the database (PostgresEvents); on
 * SQLite, where one instance owns the data directory, they stay in the process. Each reports its subscribers'
 * lag on `/metrics`.
 */
export const eventsServiceFactory = createServiceFactory({
  service: coreServices.events,
  deps: { logger: coreServices.rootLogger, config: coreServices.rootConfig, lifecycle: rootLifecycleServiceRef },
  factory({ logger, config, lifecycle }) {
    const eventsLogger = logger.child({ service: 'events' });
    const store = config.getOptionalString('backend.events.store');
    if (store !== 'redis' && config.getOptionalString('backend.database.client') !== 'pg') {
      readEventsRetention(config); // a bad value is reported on SQLite too
      const events = new InProcessEvents(eventsLogger);
      const unreport = reportEventsLag(events);
      lifecycle.addShutdownHook(async () => unreport(), { label: 'events metrics' });
      return events;
    }
    const events = store === 'redis' ? new RedisEvents({ config, logger: eventsLogger }) : new PostgresEvents({ config, logger: eventsLogger });
    const unreport = reportEventsLag(events);
    lifecycle.addShutdownHook(
      async () => {
        unreport();
        await events.shutdown();
      },
      { label: store === 'redis' ? 'events on Redis' : 'events database' },
    );
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
