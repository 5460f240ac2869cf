import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';
import { rootLifecycleServiceRef } from '../lifecycle/RootLifecycleService';
import { DatabaseEvents } from './DatabaseEvents';
import { RedisEvents } from './RedisEvents';
import { reportEventsLag } from './eventsMetrics';

/**
 * `backend.events.store: redis`: the events are carried between instances on a Redis stream (RedisEvents).
 * Otherwise they are stored in the `core_events` database (DatabaseEvents): on PostgreSQL carried to every instance
 * with LISTEN/NOTIFY, on SQLite (one instance per data directory) delivered by this process from its own file. In
 * both, `publish` returns once the event is stored and subscribers are given it afterwards, from the time every
 * plugin has started. Each reports its subscribers' lag on `/metrics`.
 */
export const eventsServiceFactory = createServiceFactory({
  service: coreServices.events,
  deps: { logger: coreServices.rootLogger, config: coreServices.rootConfig, lifecycle: rootLifecycleServiceRef },
  factory({ logger, config, lifecycle }) {
    const eventsLogger = logger.child({ service: 'events' });
    const redis = config.getOptionalString('backend.events.store') === 'redis';
    const events = redis ? new RedisEvents({ config, logger: eventsLogger }) : new DatabaseEvents({ config, logger: eventsLogger });
    const unreport = reportEventsLag(events);
    lifecycle.addShutdownHook(
      async () => {
        unreport();
        await events.shutdown();
      },
      { label: redis ? 'events on Redis' : 'events database' },
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
