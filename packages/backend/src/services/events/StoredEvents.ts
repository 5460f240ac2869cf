import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ConfigService, EventParams, EventSubscriber, LoggerService } from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';
import { drainSubscription, type Drainable } from './drainSubscription';
import { readEventsRetention } from './eventsRetention';

export interface StoredEventsOptions {
  config: ConfigService;
  logger?: LoggerService;
  /** Names this instance (claims on PostgreSQL, the consumer of `once` groups on Redis). Default host-pid-random. */
  instanceId?: string;
  /**
   * How often each subscriber also looks for new events without a notification (and for what a dead instance left).
   * Default `backend.events.pollInterval` or 10,000 ms.
   */
  pollIntervalMs?: number;
}

/**
 * The waits before each new attempt of a subscriber that threw. A handler that fails for a moment (its database
 * restarting, a connection dropped) gets the event again, in order, before the events after it; one that fails four
 * times in a row (2.6 s) is logged as an error and passed over, so that one bad event cannot stop the rest.
 */
export const RETRY_DELAYS_MS = [100, 500, 2000];

/** What came of handing an event to a subscriber. */
export type HandleOutcome = 'done' | 'given-up' | 'stopped';

/** A subscriber as a store delivers to it: its mode, where this instance is in the events, and its delivery state. */
export interface StoredSubscription<Cursor> extends Drainable {
  subscriber: EventSubscriber;
  once: boolean;
  /** The last event this instance delivered to (or skipped for) the subscriber (`every-instance` on Redis). */
  cursor: Cursor;
}

/**
 * What the stores that keep events (DatabaseEvents, RedisEvents) share: the subscriptions, the poll and retention
 * timers, and waking a subscription's delivery, which starts only once the host calls `startDelivering`.
 */
export abstract class StoredEvents<S extends StoredSubscription<unknown>> {
  readonly instanceId: string;
  protected readonly retentionMs: number;
  protected readonly pollIntervalMs: number;
  protected readonly subscriptions: S[] = [];
  protected timers: NodeJS.Timeout[] = [];
  /** Deliveries wait for the backend to have started, so a catch-up never reaches a plugin still initialising. */
  protected delivering = false;
  /** No more deliveries (the backend is stopping); publishing still works until the store closes. */
  protected stopped = false;

  protected constructor(protected readonly options: StoredEventsOptions) {
    this.instanceId = options.instanceId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.retentionMs = readEventsRetention(options.config);
    this.pollIntervalMs = options.pollIntervalMs ?? options.config.getOptionalNumber('backend.events.pollInterval') ?? 10_000;
  }

  /** Refuses an event without a topic (the stores' `publish`). */
  protected checkEvent(event: EventParams): void {
    if (!event || typeof event.topic !== 'string' || event.topic.length === 0) throw new InputError('An event needs a topic');
  }

  /** Refuses a subscriber without an id, topics or a known delivery (the stores' `subscribe`); returns its delivery. */
  protected deliveryOf(subscriber: EventSubscriber): 'every-instance' | 'once' {
    if (!subscriber || typeof subscriber.id !== 'string' || subscriber.id.length === 0) throw new InputError('A subscriber needs an id');
    if (!Array.isArray(subscriber.topics) || subscriber.topics.some(t => typeof t !== 'string')) {
      throw new InputError(`Subscriber '${subscriber.id}' needs topics, an array of strings`);
    }
    const delivery = subscriber.delivery ?? 'every-instance';
    if (delivery !== 'every-instance' && delivery !== 'once') {
      throw new InputError(`Subscriber '${subscriber.id}' has an invalid delivery '${String(delivery)}': use 'every-instance' or 'once'`);
    }
    return delivery;
  }

  /**
   * Hands one event to a subscriber, again after RETRY_DELAYS_MS while it throws. `stopped`: the store stopped while
   * waiting to retry; the event was not handled and must be delivered again after the restart.
   */
  protected async handle(subscriber: EventSubscriber, event: EventParams): Promise<HandleOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        await subscriber.onEvent(event);
        return 'done';
      } catch (error) {
        const reason = (error as Error)?.message ?? String(error);
        const delay = RETRY_DELAYS_MS[attempt - 1];
        if (delay === undefined) {
          this.options.logger?.error(`Subscriber '${subscriber.id}' failed on topic '${event.topic}' ${attempt} times in a row; passed over: ${reason}`);
          return 'given-up';
        }
        this.options.logger?.warn(`Subscriber '${subscriber.id}' failed on topic '${event.topic}' (attempt ${attempt}); again in ${delay} ms: ${reason}`);
        await new Promise<void>(resolve => setTimeout(resolve, delay).unref?.());
        if (this.stopped) return 'stopped';
      }
    }
  }

  /** Delivers the subscription's new events; one runs at a time per subscription. */
  protected abstract deliverNew(subscription: S): Promise<void>;
  /** On each poll: takes over the `once` events an instance that died had taken and not finished. */
  protected abstract redeliverAbandoned(): Promise<void>;
  /** Removes the events older than the retention. */
  abstract removeExpired(): Promise<number>;

  protected startTimers(): void {
    if (this.stopped || this.timers.length) return;
    const poll = setInterval(() => {
      this.wakeAll();
      void this.redeliverAbandoned();
    }, this.pollIntervalMs);
    // Several times per retention window, at most hourly; removing is idempotent.
    const prune = setInterval(() => void this.removeExpired(), Math.max(1000, Math.min(this.retentionMs / 4, 60 * 60 * 1000)));
    poll.unref?.();
    prune.unref?.();
    this.timers.push(poll, prune);
  }

  /** Starts delivering (the host calls it once every plugin has started); until then events only accumulate. */
  startDelivering(): void {
    if (this.delivering || this.stopped) return;
    this.delivering = true;
    this.wakeAll();
  }

  protected wakeAll(topic?: string): void {
    for (const s of this.subscriptions) if (!topic || s.subscriber.topics.includes(topic)) this.wake(s);
  }

  /** Starts delivering new events to a subscriber, or asks the running delivery to look again when done. */
  protected wake(subscription: S): void {
    if (this.stopped || !this.delivering) return;
    drainSubscription(subscription, () => this.deliverNew(subscription), { stopped: () => this.stopped, logger: this.options.logger });
  }

  /** Stops the timers; no delivery starts after this. */
  protected stopTimers(): void {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
  }
}
