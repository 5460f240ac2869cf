/** One event on a topic, e.g. `catalog.entity.changed`. */
export interface EventParams<TPayload = unknown> {
  topic: string;
  payload: TPayload;
  /** Optional metadata such as the producing plugin. */
  metadata?: Record<string, string>;
}

export interface EventSubscriber {
  /** Unique per subscriber, for logs. */
  id: string;
  topics: string[];
  onEvent(event: EventParams): void | Promise<void>;
}

/**
 * Publish/subscribe between plugins in one backend. Delivery is in-process and at-most-once;
 * a subscriber that throws is logged and does not stop others.
 */
export interface EventsService {
  publish(event: EventParams): Promise<void>;
  subscribe(subscriber: EventSubscriber): Promise<void>;
}
