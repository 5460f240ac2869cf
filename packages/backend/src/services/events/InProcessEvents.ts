import type { EventParams, EventsService, EventSubscriber, LoggerService } from '@portico/backend-plugin-api';

/** Delivers each event to the subscribers of its topic; a subscriber that throws is logged, not rethrown. */
export class InProcessEvents implements EventsService {
  private readonly subscribers: EventSubscriber[] = [];

  constructor(private readonly logger: LoggerService) {}

  async publish(event: EventParams): Promise<void> {
    const targets = this.subscribers.filter(s => s.topics.includes(event.topic));
    await Promise.all(
      targets.map(async subscriber => {
        try {
          await subscriber.onEvent(event);
        } catch (error) {
          this.logger.error(`Subscriber '${subscriber.id}' failed on topic '${event.topic}': ${(error as Error)?.message ?? error}`);
        }
      }),
    );
  }

  async subscribe(subscriber: EventSubscriber): Promise<void> {
    this.subscribers.push(subscriber);
  }
}
