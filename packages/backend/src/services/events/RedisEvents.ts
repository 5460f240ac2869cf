import type { createClient as CreateClient } from 'redis';
import type { EventParams, EventsService, EventSubscriber } from '@portico/backend-plugin-api';
import { ServiceUnavailableError } from '@portico/errors';
import type { EventsLagSource, SubscriberLag } from './eventsMetrics';
import { StoredEvents, type StoredEventsOptions, type StoredSubscription } from './StoredEvents';

type RedisClient = ReturnType<typeof CreateClient>;

/** The Redis URL when neither `backend.events.connection` nor a Redis cache names one. */
export const DEFAULT_EVENTS_REDIS_URL = 'redis://127.0.0.1:6379';
/** A `once` event read by an instance that has not acknowledged it after this long is taken over by another. */
const CLAIM_LEASE_MS = 5 * 60 * 1000;
/** A `once` event whose handler failed this many times is acknowledged and logged as given up. */
const MAX_DELIVERIES = 5;
/** Entries read per command while delivering. */
const BATCH_SIZE = 200;
/** How long the notifier's XREAD blocks before it asks again (it also returns at once on a new entry). */
const BLOCK_MS = 5000;
/** How long a command waits for the first connection before failing. */
const CONNECT_WAIT_MS = 5000;
/** Entries read per subscriber when counting its lag for `/metrics`. */
const LAG_SCAN_LIMIT = 10_000;

/** `<ms>-<seq>` stream ids compare by both numbers. */
function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(Number);
  const [bm, bs] = b.split('-').map(Number);
  return am - bm || as - bs;
}

/** The publish time of a stream entry, in milliseconds since the epoch (its id's first part). */
function idTime(id: string): number {
  return Number(id.split('-')[0]);
}

type RawEntry = [string, string[]];

interface StreamEntry {
  id: string;
  topic: string;
  event: EventParams;
}

function parseEntry([id, fields]: RawEntry): StreamEntry {
  const values: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) values[fields[i]] = fields[i + 1];
  const event: EventParams = { topic: values.topic, payload: values.payload === undefined ? undefined : JSON.parse(values.payload) };
  if (values.metadata) event.metadata = JSON.parse(values.metadata) as Record<string, string>;
  return { id, topic: values.topic, event };
}

/** `cursor`: the stream entry id (read by `every-instance` subscribers; `once` ones read through their group). */
type Subscription = StoredSubscription<string>;

export type RedisEventsOptions = StoredEventsOptions;

/**
 * The events service on Redis streams (`backend.events.store: redis`). Every event is an entry of one stream,
 * `<keyPrefix>events` (XADD, trimmed to `backend.events.retention` by entry time), so subscribers see every
 * topic in publish order. `every-instance` subscribers read the stream with XRANGE from a stored offset, so a
 * restarted instance catches up; `once` subscribers read through a consumer group named after the subscriber
 * (each instance a consumer), acknowledge an event (XACK) after their handler succeeded, and take over with
 * XAUTOCLAIM the events another instance read and did not acknowledge within the lease (it died). A blocking
 * XREAD on a connection of its own wakes the subscribers when an entry is added. At-least-once: consumers must
 * be idempotent.
 */
export class RedisEvents extends StoredEvents<Subscription> implements EventsService, EventsLagSource {
  readonly streamKey: string;
  private readonly keyPrefix: string;
  private readonly url: string;
  private client?: Promise<RedisClient>;
  private notifier?: RedisClient;
  /** Every client created, connected or still trying: closed on shutdown. */
  private readonly opened = new Set<RedisClient>();
  private notifierLoop?: Promise<void>;
  private closed = false;

  constructor(options: RedisEventsOptions) {
    super(options);
    const { config } = options;
    const cacheOnRedis = config.getOptionalString('backend.cache.store') === 'redis';
    this.url =
      config.getOptionalString('backend.events.connection') ??
      (cacheOnRedis ? config.getOptionalString('backend.cache.connection') : undefined) ??
      DEFAULT_EVENTS_REDIS_URL;
    this.keyPrefix =
      config.getOptionalString('backend.events.keyPrefix') ??
      (cacheOnRedis ? config.getOptionalString('backend.cache.keyPrefix') : undefined) ??
      'portico:';
    this.streamKey = `${this.keyPrefix}events`;
  }

  private async connect(name: string): Promise<RedisClient> {
    // Loaded on demand, as for the Redis cache: most backends never need the client.
    const { createClient } = await import('redis');
    const client = createClient({
      url: this.url,
      name: `portico-${name}`,
      // While Redis is unreachable a command fails at once instead of queueing: a publish must not hang its caller.
      disableOfflineQueue: true,
      socket: { connectTimeout: 5000, reconnectStrategy: retries => Math.min(250 * 2 ** Math.min(retries, 6), 10_000) },
    });
    this.opened.add(client);
    // Without a listener a lost connection would crash the process; node-redis reconnects by itself. One line per outage.
    let reported = false;
    client.on('error', (error: Error) => {
      if (!this.stopped && !reported) this.options.logger?.warn(`Redis events connection error (${this.where()}): ${error?.message ?? error}; reconnecting`);
      reported = true;
    });
    client.on('ready', () => (reported = false));
    await client.connect();
    return client;
  }

  /** The command connection, opened on first use. */
  private redis(): Promise<RedisClient> {
    if (this.closed) return Promise.reject(new Error('The events service has stopped'));
    if (!this.client) {
      const client = this.connect('events');
      client.then(
        () => this.startTimers(),
        () => {
          if (this.client === client) this.client = undefined;
        },
      );
      this.client = client;
    }
    return this.client;
  }

  private async command<T>(args: string[]): Promise<T> {
    return (await (await this.connected()).sendCommand(args)) as T;
  }

  /**
   * The command connection, or an error naming Redis when it is not up within CONNECT_WAIT_MS: node-redis keeps
   * trying in the background, and a caller (a publish inside a request) must not wait for it indefinitely.
   */
  private connected(): Promise<RedisClient> {
    const client = this.redis();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ServiceUnavailableError(`The events store Redis at ${this.where()} is unreachable`)), CONNECT_WAIT_MS);
      timer.unref?.();
    });
    return Promise.race([client, gaveUp]).finally(() => clearTimeout(timer));
  }

  /** host:port of the Redis URL, without credentials. */
  private where(): string {
    try {
      return new URL(this.url).host;
    } catch {
      return 'the configured URL';
    }
  }

  async publish(event: EventParams): Promise<void> {
    this.checkEvent(event);
    const fields = ['topic', event.topic];
    if (event.payload !== undefined) fields.push('payload', JSON.stringify(event.payload));
    if (event.metadata) fields.push('metadata', JSON.stringify(event.metadata));
    // Approximate trimming is cheap (whole stream nodes); the prune timer trims exactly.
    await this.command(['XADD', this.streamKey, 'MINID', '~', String(Date.now() - this.retentionMs), '*', ...fields]);
    this.wakeAll(event.topic);
  }

  async subscribe(subscriber: EventSubscriber): Promise<void> {
    const delivery = this.deliveryOf(subscriber);
    const subscription: Subscription = { subscriber, once: delivery === 'once', cursor: '0-0', again: false };
    if (subscription.once) {
      // A new group starts at the newest entry; an existing one keeps its place (and its pending entries).
      try {
        await this.command(['XGROUP', 'CREATE', this.streamKey, this.groupName(subscriber.id), '$', 'MKSTREAM']);
      } catch (error) {
        if (!/BUSYGROUP/.test((error as Error)?.message ?? '')) throw error;
      }
    } else {
      // A new subscriber starts at the newest entry; a known one resumes after the last it was given.
      const stored = await this.command<string | null>(['GET', this.offsetKey(subscriber.id)]);
      subscription.cursor = stored ?? (await this.newestId());
      if (stored === null) await this.command(['SET', this.offsetKey(subscriber.id), subscription.cursor, 'NX']);
    }
    this.subscriptions.push(subscription);
    this.startNotifier();
    this.wake(subscription);
  }

  private groupName(subscriberId: string): string {
    return `once:${subscriberId}`;
  }

  private offsetKey(subscriberId: string): string {
    return `${this.keyPrefix}events:offset:every-instance:${subscriberId}`;
  }

  private async newestId(): Promise<string> {
    const newest = await this.command<RawEntry[]>(['XREVRANGE', this.streamKey, '+', '-', 'COUNT', '1']);
    return newest[0]?.[0] ?? '0-0';
  }

  /** One connection blocked in XREAD on the stream's end: it wakes the subscribers when an entry arrives. */
  private startNotifier(): void {
    if (this.notifierLoop || this.stopped) return;
    this.notifierLoop = (async () => {
      let after = '$';
      let failures = 0;
      while (!this.stopped) {
        try {
          if (!this.notifier) {
            const notifier = await this.connect('events-notifier');
            if (this.stopped) return notifier.destroy();
            this.notifier = notifier;
          }
          if (after === '$') after = await this.newestId();
          const reply = await this.notifier.sendCommand(['XREAD', 'BLOCK', String(BLOCK_MS), 'COUNT', '100', 'STREAMS', this.streamKey, after]);
          if (failures > 0) {
            this.options.logger?.info('Reading events from Redis again');
            this.wakeAll(); // anything added while the connection was down
          }
          failures = 0;
          const entries = (reply as unknown as Array<[string, RawEntry[]]> | null)?.[0]?.[1] ?? [];
          if (entries.length) {
            after = entries[entries.length - 1][0];
            this.wakeAll();
          }
        } catch (error) {
          if (this.stopped) return;
          if (failures++ === 0) this.options.logger?.warn(`The Redis events notifier failed: ${(error as Error)?.message ?? error}; retrying with backoff`);
          await this.sleep(Math.min(10_000, 250 * 2 ** Math.min(failures, 6)));
        }
      }
    })();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms).unref?.());
  }

  protected deliverNew(subscription: Subscription): Promise<void> {
    return subscription.once ? this.deliverToGroup(subscription) : this.deliverFromOffset(subscription);
  }

  private async deliverFromOffset(subscription: Subscription): Promise<void> {
    const { subscriber } = subscription;
    while (!this.stopped) {
      const raw = await this.command<RawEntry[]>(['XRANGE', this.streamKey, `(${subscription.cursor}`, '+', 'COUNT', String(BATCH_SIZE)]);
      if (raw.length === 0) return;
      for (const entry of raw.map(parseEntry)) {
        if (this.stopped) return;
        // stopped while retrying a failing handler: the offset stays before it, so it is delivered after the restart
        if (subscriber.topics.includes(entry.topic) && (await this.handle(subscriber, entry.event)) === 'stopped') break;
        subscription.cursor = entry.id;
      }
      await this.command(['SET', this.offsetKey(subscriber.id), subscription.cursor]);
      if (raw.length < BATCH_SIZE) return;
    }
  }

  private async deliverToGroup(subscription: Subscription): Promise<void> {
    const group = this.groupName(subscription.subscriber.id);
    while (!this.stopped) {
      const reply = await this.command<Array<[string, RawEntry[]]> | null>([
        'XREADGROUP', 'GROUP', group, this.instanceId, 'COUNT', String(BATCH_SIZE), 'STREAMS', this.streamKey, '>',
      ]);
      const raw = reply?.[0]?.[1] ?? [];
      if (raw.length === 0) return;
      await this.handleClaimed(subscription, raw.map(parseEntry));
      if (raw.length < BATCH_SIZE) return;
    }
  }

  /** Delivers entries this instance holds in the group, acknowledging each once its handler succeeded. */
  private async handleClaimed(subscription: Subscription, entries: StreamEntry[], deliveries?: Map<string, number>): Promise<void> {
    const { subscriber } = subscription;
    const group = this.groupName(subscriber.id);
    const others = entries.filter(e => !subscriber.topics.includes(e.topic)).map(e => e.id);
    if (others.length) await this.command(['XACK', this.streamKey, group, ...others]);
    for (const entry of entries) {
      if (!subscriber.topics.includes(entry.topic)) continue;
      if (this.stopped) return; // read but undelivered entries are handed back by stopDelivering()
      if ((deliveries?.get(entry.id) ?? 0) > MAX_DELIVERIES) {
        this.options.logger?.error(`Subscriber '${subscriber.id}' failed on event ${entry.id} (topic '${entry.topic}') ${MAX_DELIVERIES} times; giving it up`);
        await this.command(['XACK', this.streamKey, group, entry.id]);
        continue;
      }
      // A handler that still fails after its retries leaves the entry pending: delivered again once its lease has passed.
      if ((await this.handle(subscriber, entry.event)) === 'done') await this.command(['XACK', this.streamKey, group, entry.id]);
    }
  }

  /** `once` entries read by an instance that has not acknowledged them within the lease: taken over here. */
  protected async redeliverAbandoned(): Promise<void> {
    try {
      for (const subscription of this.subscriptions) {
        if (!subscription.once || this.stopped) continue;
        const group = this.groupName(subscription.subscriber.id);
        const reply = await this.command<[string, Array<RawEntry | null>, string[]?]>([
          'XAUTOCLAIM', this.streamKey, group, this.instanceId, String(CLAIM_LEASE_MS), '0-0', 'COUNT', String(BATCH_SIZE),
        ]);
        const claimed = (reply?.[1] ?? []).filter((e): e is RawEntry => Array.isArray(e));
        // Entries trimmed away while pending are acknowledged by XAUTOCLAIM itself (Redis 7).
        if (claimed.length === 0) continue;
        const pending = await this.command<Array<[string, string, number, number]>>([
          'XPENDING', this.streamKey, group, claimed[0][0], claimed[claimed.length - 1][0], String(claimed.length), this.instanceId,
        ]);
        const deliveries = new Map(pending.map(([id, , , count]) => [id, Number(count)]));
        await this.handleClaimed(subscription, claimed.map(parseEntry), deliveries);
      }
    } catch (error) {
      if (!this.stopped) this.options.logger?.warn(`Abandoned events could not be checked: ${(error as Error)?.message ?? error}`);
    }
  }

  /** Removes entries older than the retention (XTRIM MINID, exact). Returns how many. */
  async removeExpired(): Promise<number> {
    try {
      return Number(await this.command<number>(['XTRIM', this.streamKey, 'MINID', '=', String(Date.now() - this.retentionMs)]));
    } catch (error) {
      if (!this.stopped) this.options.logger?.warn(`Expired events could not be removed: ${(error as Error)?.message ?? error}`);
      return 0;
    }
  }

  /** The pending events and the age of the oldest, per subscriber of this instance (for `/metrics`). */
  async lag(): Promise<SubscriberLag[]> {
    if (!this.client || this.closed) return [];
    const now = Date.now();
    return Promise.all(
      this.subscriptions.map(async ({ subscriber, once, cursor }): Promise<SubscriberLag> => {
        const delivery = once ? 'once' : 'every-instance';
        let start = `(${cursor}`;
        let oldest: string | undefined;
        let pending = 0;
        if (once) {
          const group = this.groupName(subscriber.id);
          const groups = await this.command<Array<Array<string | number | null>>>(['XINFO', 'GROUPS', this.streamKey]);
          const info = groups.map(fields => Object.fromEntries(fields.flatMap((v, i) => (i % 2 ? [] : [[String(v), fields[i + 1]]])))).find(g => g.name === group);
          if (!info) return { subscriber: subscriber.id, delivery, pending: 0, oldestSeconds: 0 };
          // Read by some instance, not yet acknowledged:
          const summary = await this.command<[number, string | null, string | null, unknown]>(['XPENDING', this.streamKey, group]);
          pending += Number(summary[0]);
          if (summary[1]) oldest = summary[1];
          start = `(${String(info['last-delivered-id'])}`;
        }
        // Not yet read (once: by any instance; every-instance: by this one):
        const unread = (await this.command<RawEntry[]>(['XRANGE', this.streamKey, start, '+', 'COUNT', String(LAG_SCAN_LIMIT)])).map(parseEntry).filter(e => subscriber.topics.includes(e.topic));
        pending += unread.length;
        if (unread.length && (!oldest || compareIds(unread[0].id, oldest) < 0)) oldest = unread[0].id;
        return { subscriber: subscriber.id, delivery, pending, oldestSeconds: oldest ? Math.max(0, (now - idTime(oldest)) / 1000) : 0 };
      }),
    );
  }

  /**
   * Stops reading and waits (up to `timeoutMs`) for deliveries in progress; `once` entries this instance read
   * but did not acknowledge are handed back at once (their idle time set past the lease, so the next XAUTOCLAIM
   * of another instance takes them). Publishing still works until `shutdown`.
   */
  async stopDelivering(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopTimers();
    this.notifier?.destroy();
    await this.notifierLoop?.catch(() => undefined);
    const running = this.subscriptions.flatMap(s => (s.draining ? [s.draining] : []));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running), new Promise(resolve => (timer = setTimeout(resolve, options.timeoutMs ?? 5000)))]);
    clearTimeout(timer);
    if (!this.client) return;
    for (const subscription of this.subscriptions) {
      if (!subscription.once) continue;
      const group = this.groupName(subscription.subscriber.id);
      try {
        const mine = await this.command<Array<[string, string, number, number]>>(['XPENDING', this.streamKey, group, '-', '+', '10000', this.instanceId]);
        if (mine.length) {
          await this.command(['XCLAIM', this.streamKey, group, this.instanceId, '0', ...mine.map(([id]) => id), 'IDLE', String(CLAIM_LEASE_MS + 1000), 'JUSTID']);
        }
      } catch {
        /* Redis may be gone: the entries then become claimable after their lease */
      }
    }
  }

  /** Stops delivering and closes the connections. */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.stopDelivering(options);
    if (this.closed) return;
    this.closed = true;
    for (const client of this.opened) {
      if (client.isReady) await client.close().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    }
  }
}
