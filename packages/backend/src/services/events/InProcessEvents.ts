import type { EventParams, EventsService, EventSubscriber, LoggerService } from '@portico/backend-plugin-api';
import type { EventsLagSource, SubscriberLag } from './eventsMetrics';

/**
 * Delivers each event to the subscribers of its topic before `publish` resolves; a subscriber that throws is logged,
 * not rethrown. Nothing is stored. The stand-in of `mockServices.events` (@portico/test-utils) for tests that want
 * delivery done when publish returns; a backend uses DatabaseEvents or RedisEvents (eventsServiceFactory).
 */
export class InProcessEvents implements EventsService, EventsLagSource {
  private readonly subscribers: EventSubscriber[] = [];
  /** Deliveries in progress per subscriber: the publish time of each. */
  private readonly inFlight = new Map<EventSubscriber, Map<number, number>>();
  private deliveries = 0;

  constructor(private readonly logger: LoggerService) {}

  async publish(event: EventParams): Promise<void> {
    const targets = this.subscribers.filter(s => s.topics.includes(event.topic));
    const at = Date.now();
    await Promise.all(
      targets.map(async subscriber => {
        const running = this.inFlight.get(subscriber) ?? new Map<number, number>();
        this.inFlight.set(subscriber, running);
        const token = ++this.deliveries;
        running.set(token, at);
        try {
          await subscriber.onEvent(event);
        } catch (error) {
          this.logger.error(`Subscriber '${subscriber.id}' failed on topic '${event.topic}': ${(error as Error)?.message ?? error}`);
        } finally {
          running.delete(token);
        }
      }),
    );
  }

  async subscribe(subscriber: EventSubscriber): Promise<void> {
    this.subscribers.push(subscriber);
  }

  /** Deliveries not finished yet, per subscriber (for `/metrics`). */
  async lag(): Promise<SubscriberLag[]> {
    const now = Date.now();
    return this.subscribers.map(subscriber => {
      const running = [...(this.inFlight.get(subscriber)?.values() ?? [])];
      const oldest = running.length ? Math.min(...running) : undefined;
      return {
        subscriber: subscriber.id,
        delivery: subscriber.delivery ?? 'every-instance',
        pending: running.length,
        oldestSeconds: oldest === undefined ? 0 : Math.max(0, (now - oldest) / 1000),
      };
    });
  }
}
