/** One event on a topic, e.g. `catalog.entity.changed`. */
export interface EventParams<TPayload = unknown> {
  topic: string;
  payload: TPayload;
  /** Optional metadata such as the producing plugin. */
  metadata?: Record<string, string>;
}

export interface EventSubscriber {
  /** Unique per subscriber; on PostgreSQL it also names the subscriber's stored offset and claims. */
  id: string;
  topics: string[];
  /**
   * Across several instances on PostgreSQL: `every-instance` (default) delivers each event to this subscriber
   * on every instance (live views, cache invalidation); `once` delivers it on one instance only (work such as
   * re-evaluating scorecards). Delivery is at-least-once either way: handlers must be idempotent.
   */
  delivery?: 'every-instance' | 'once';
  onEvent(event: EventParams): void | Promise<void>;
}

/**
 * Publish/subscribe between plugins. On SQLite delivery is in-process; on PostgreSQL events are stored and
 * carried to every instance (at-least-once, in publish order per subscriber). A subscriber that throws is
 * logged and does not stop others.
 */
export interface EventsService {
  publish(event: EventParams): Promise<void>;
  subscribe(subscriber: EventSubscriber): Promise<void>;
}
