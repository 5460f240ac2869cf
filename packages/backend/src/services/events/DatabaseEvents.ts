import type { Knex } from 'knex';
import type { EventParams, EventsService, EventSubscriber } from '@portico/backend-plugin-api';
import { DatabaseManager } from '../database/DatabaseManager';
import { PgNotificationListener } from './PgNotificationListener';
import { StoredEvents, type HandleOutcome, type StoredEventsOptions, type StoredSubscription } from './StoredEvents';
import type { EventsLagSource, SubscriberLag } from './eventsMetrics';
import { CLAIMS_TABLE, EVENTS_CHANNEL, EVENTS_DATABASE_NAME, EVENTS_TABLE, OFFSETS_TABLE, eventsMigrations } from './eventsDatabase';

/** A `once` event claimed by an instance that has not finished it after this long is delivered again elsewhere. */
const CLAIM_LEASE_MS = 5 * 60 * 1000;
/** Rows read per query while delivering. */
const BATCH_SIZE = 200;
/** Expired rows removed per statement on SQLite. */
const EXPIRED_SLICE = 1000;
export { DEFAULT_EVENTS_RETENTION, readEventsRetention } from './eventsRetention';

/** Publishes take this transaction lock so that ids commit in order and readers never skip a late commit. */
const PUBLISH_LOCK = [0x706f7274, 0x65767473]; // 'port', 'evts'
const RETENTION_LOCK = [0x706f7274, 0x65767472]; // 'port', 'evtr'

interface EventRow {
  id: string | number;
  topic: string;
  /** Parsed on PostgreSQL (jsonb); JSON text on SQLite. */
  payload: unknown;
  metadata: Record<string, string> | string | null;
}

interface Subscription extends StoredSubscription<number> {
  /** Events are claimed before delivery (`once` on PostgreSQL; on SQLite one instance runs, so nothing to share). */
  claims: boolean;
}

export type DatabaseEventsOptions = StoredEventsOptions;

/**
 * The events service of a deployment without Redis: each published event is a row of the `core_events` database
 * (`<prefix>core_events.events` on PostgreSQL, `core_events.sqlite` in the data directory on SQLite), and `publish`
 * returns once it is committed. Subscribers are given new rows asynchronously, in id order, keeping each
 * subscriber's last delivered id in `subscriber_offsets` so that a restarted instance catches up on what it had not
 * delivered. On PostgreSQL a publish is announced with NOTIFY (its id only, so payload size is never limited by
 * NOTIFY's 8,000 bytes) to every instance, and `delivery: 'once'` subscribers claim each event in
 * `subscriber_claims`, so of several instances one runs it; on SQLite one instance owns the data directory, so a
 * publish wakes the local deliveries and `once` subscribers are delivered like the others. At-least-once:
 * consumers must be idempotent.
 */
export class DatabaseEvents extends StoredEvents<Subscription> implements EventsService, EventsLagSource {
  private readonly database: DatabaseManager;
  private readonly pg: boolean;
  private ready?: Promise<Knex>;
  private listener?: PgNotificationListener;
  private closed = false;

  constructor(options: DatabaseEventsOptions) {
    super(options);
    this.database = DatabaseManager.fromConfig(options.config, { pool: { min: 0, max: 3 }, logger: options.logger });
    this.pg = this.database.engine === 'pg';
  }

  /** The events database, migrated on first use; starts the retention task. */
  private knex(): Promise<Knex> {
    if (this.closed) return Promise.reject(new Error('The events service has stopped'));
    if (!this.ready) {
      const ready = (async () => {
        await this.database.forPlugin(EVENTS_DATABASE_NAME).migrate(eventsMigrations);
        return this.database.getClient(EVENTS_DATABASE_NAME);
      })();
      ready.then(
        () => this.startTimers(),
        () => {
          if (this.ready === ready) this.ready = undefined;
        },
      );
      this.ready = ready;
    }
    return this.ready;
  }

  async publish(event: EventParams): Promise<void> {
    this.checkEvent(event);
    const row = {
      topic: event.topic,
      payload: event.payload === undefined ? null : JSON.stringify(event.payload),
      metadata: event.metadata ? JSON.stringify(event.metadata) : null,
      // the publisher's clock on both engines, so retention and lag compare it with cutoffs computed here
      created_at: new Date(),
    };
    const knex = await this.knex();
    if (this.pg) {
      await knex.transaction(async trx => {
        await trx.raw('SELECT pg_advisory_xact_lock(?, ?)', PUBLISH_LOCK);
        const [inserted] = await trx(EVENTS_TABLE).insert(row).returning('id');
        // Delivered on commit, to every listening instance, this one included.
        await trx.raw('SELECT pg_notify(?, ?)', [EVENTS_CHANNEL, String((inserted as { id: string }).id)]);
      });
    } else {
      // One statement, one small transaction on the events file: SQLite commits ids in order by itself.
      await knex(EVENTS_TABLE).insert(row);
    }
    // Local subscribers need not wait for the notification's round trip (on SQLite there is none).
    this.wakeAll(event.topic);
  }

  async subscribe(subscriber: EventSubscriber): Promise<void> {
    const delivery = this.deliveryOf(subscriber);
    const knex = await this.knex();
    const key = this.offsetKey(subscriber.id, delivery === 'once');
    // A new subscriber starts at the newest event; a known one resumes after the last it was given.
    // (`WHERE true`: SQLite would otherwise read ON CONFLICT's ON as a join constraint.)
    await knex.raw(
      `INSERT INTO ?? (subscriber_id, last_id) SELECT ?, COALESCE(MAX(id), 0) FROM ?? WHERE true ON CONFLICT (subscriber_id) DO NOTHING`,
      [OFFSETS_TABLE, key, EVENTS_TABLE],
    );
    const stored = await knex(OFFSETS_TABLE).where({ subscriber_id: key }).first('last_id');
    const once = delivery === 'once';
    const subscription: Subscription = { subscriber, once, claims: once && this.pg, cursor: Number(stored?.last_id ?? 0), again: false };
    this.subscriptions.push(subscription);
    if (this.pg) this.startListener();
    this.wake(subscription);
  }

  /** `once` subscribers share one offset across instances; `every-instance` ones too, under a key of their own. */
  private offsetKey(id: string, once: boolean): string {
    return `${once ? 'once' : 'every-instance'}:${id}`;
  }

  private startListener(): void {
    if (this.listener || this.stopped) return;
    this.listener = new PgNotificationListener({
      connection: this.options.config.getOptional('backend.database.connection'),
      channel: EVENTS_CHANNEL,
      logger: this.options.logger,
      onNotification: () => this.wakeAll(),
      onListening: () => this.wakeAll(),
    });
    this.listener.start();
  }

  protected async deliverNew(subscription: Subscription): Promise<void> {
    const knex = await this.knex();
    const { subscriber } = subscription;
    while (!this.stopped) {
      const rows: EventRow[] = await knex(EVENTS_TABLE)
        .where('id', '>', subscription.cursor)
        .whereIn('topic', subscriber.topics)
        .orderBy('id')
        .limit(BATCH_SIZE)
        .select('id', 'topic', 'payload', 'metadata');
      if (rows.length === 0) return;
      const toDeliver = subscription.claims ? await this.claim(knex, subscriber.id, rows) : rows;
      const delivered: EventRow[] = [];
      try {
        for (const row of toDeliver) {
          if (this.stopped) return; // claimed but undelivered rows are handed back by stopDelivering()
          // stopped while retrying a failing handler: neither done nor past the cursor, so delivered after the restart
          if ((await this.deliver(subscriber, row)) === 'stopped') return;
          delivered.push(row);
          // A subscriber that finishes synchronously would otherwise hold the event loop for the whole batch.
          await new Promise<void>(resolve => setImmediate(resolve));
        }
      } finally {
        if (subscription.claims && delivered.length) await this.markDone(knex, subscriber.id, delivered);
      }
      subscription.cursor = Number(rows[rows.length - 1].id);
      // SQLite's two-argument MAX is PostgreSQL's GREATEST
      await knex.raw(`UPDATE ?? SET last_id = ${this.pg ? 'GREATEST' : 'MAX'}(last_id, ?), updated_at = CURRENT_TIMESTAMP WHERE subscriber_id = ?`, [
        OFFSETS_TABLE,
        subscription.cursor,
        this.offsetKey(subscriber.id, subscription.once),
      ]);
      if (rows.length < BATCH_SIZE) return;
    }
  }

  /**
   * Claims the rows for this instance: a row no instance claimed yet, or one whose claimer has not finished it
   * within the lease (it died). Returns the claimed rows in id order. PostgreSQL only: the lease is measured on the
   * database's clock, which every instance shares.
   */
  private async claim(knex: Knex, subscriberId: string, rows: EventRow[]): Promise<EventRow[]> {
    const values = rows.map(() => '(?, ?, ?, now(), false)').join(', ');
    const bindings = rows.flatMap(r => [subscriberId, Number(r.id), this.instanceId]);
    const result = await knex.raw(
      `INSERT INTO ?? (subscriber_id, event_id, claimed_by, claimed_at, done) VALUES ${values}
       ON CONFLICT (subscriber_id, event_id) DO UPDATE SET claimed_by = excluded.claimed_by, claimed_at = excluded.claimed_at
       WHERE ??.done = false AND ??.claimed_at < now() - (? * interval '1 millisecond')
       RETURNING event_id`,
      [CLAIMS_TABLE, ...bindings, CLAIMS_TABLE, CLAIMS_TABLE, CLAIM_LEASE_MS],
    );
    const claimed = new Set((result.rows as Array<{ event_id: string }>).map(r => Number(r.event_id)));
    return rows.filter(r => claimed.has(Number(r.id)));
  }

  private async markDone(knex: Knex, subscriberId: string, rows: EventRow[]): Promise<void> {
    await knex(CLAIMS_TABLE)
      .where({ subscriber_id: subscriberId, claimed_by: this.instanceId })
      .whereIn('event_id', rows.map(r => Number(r.id)))
      .update({ done: true });
  }

  private async deliver(subscriber: EventSubscriber, row: EventRow): Promise<HandleOutcome> {
    let event: EventParams;
    try {
      // parsed here, so that a row that cannot be read is logged and passed over rather than blocking the subscriber
      const payload = this.fromJson(row.payload);
      event = { topic: row.topic, payload: payload === null ? undefined : payload };
      if (row.metadata) event.metadata = this.fromJson(row.metadata) as Record<string, string>;
    } catch (error) {
      this.options.logger?.error(`Event ${row.id} on topic '${row.topic}' cannot be read; passed over for subscriber '${subscriber.id}': ${(error as Error)?.message ?? error}`);
      return 'given-up';
    }
    return this.handle(subscriber, event);
  }

  /** A jsonb column as read: parsed by the pg driver; on SQLite, JSON text (or a number, the column's affinity). */
  private fromJson(value: unknown): unknown {
    return !this.pg && typeof value === 'string' ? JSON.parse(value) : value;
  }

  /** `once` events claimed by an instance that died before finishing them: claimed again and delivered here. */
  protected async redeliverAbandoned(): Promise<void> {
    if (!this.pg) return; // one instance on SQLite: nothing is claimed
    try {
      const knex = await this.knex();
      for (const subscription of this.subscriptions) {
        if (!subscription.claims || this.stopped) continue;
        const { subscriber } = subscription;
        const rows: EventRow[] = await knex(`${EVENTS_TABLE} as e`)
          .join(`${CLAIMS_TABLE} as c`, 'c.event_id', 'e.id')
          .where('c.subscriber_id', subscriber.id)
          .andWhere('c.done', false)
          .andWhereRaw(`c.claimed_at < now() - (? * interval '1 millisecond')`, [CLAIM_LEASE_MS])
          .orderBy('e.id')
          .limit(BATCH_SIZE)
          .select('e.id', 'e.topic', 'e.payload', 'e.metadata');
        if (rows.length === 0) continue;
        const claimed = await this.claim(knex, subscriber.id, rows);
        const delivered: EventRow[] = [];
        for (const row of claimed) {
          if ((await this.deliver(subscriber, row)) === 'stopped') break;
          delivered.push(row);
        }
        if (delivered.length) await this.markDone(knex, subscriber.id, delivered);
      }
    } catch (error) {
      if (!this.stopped) this.options.logger?.warn(`Abandoned event claims could not be checked: ${(error as Error)?.message ?? error}`);
    }
  }

  /**
   * The pending events and the age of the oldest, per subscriber of this instance (for `/metrics`): events
   * after this instance's cursor and, for `once` subscribers, events claimed by any instance and not finished.
   */
  async lag(): Promise<SubscriberLag[]> {
    if (!this.ready || this.closed) return [];
    const knex = await this.ready;
    // created_at comes back as a Date on PostgreSQL, as epoch milliseconds on SQLite
    const age = (oldest: unknown) => (oldest ? Math.max(0, (Date.now() - new Date(oldest as Date | number).getTime()) / 1000) : 0);
    return Promise.all(
      this.subscriptions.map(async ({ subscriber, once, claims, cursor }): Promise<SubscriberLag> => {
        const [unread] = await knex(EVENTS_TABLE)
          .where('id', '>', cursor)
          .whereIn('topic', subscriber.topics)
          .select(knex.raw('count(*) AS n'), knex.raw('min(created_at) AS oldest'));
        let pending = Number(unread?.n ?? 0);
        let oldest = age(unread?.oldest);
        if (claims) {
          const [claimed] = await knex(`${CLAIMS_TABLE} as c`)
            .join(`${EVENTS_TABLE} as e`, 'e.id', 'c.event_id')
            .where({ 'c.subscriber_id': subscriber.id, 'c.done': false })
            .andWhere('e.id', '<=', cursor)
            .select(knex.raw('count(*) AS n'), knex.raw('min(e.created_at) AS oldest'));
          pending += Number(claimed?.n ?? 0);
          oldest = Math.max(oldest, age(claimed?.oldest));
        }
        return { subscriber: subscriber.id, delivery: once ? 'once' : 'every-instance', pending, oldestSeconds: oldest };
      }),
    );
  }

  /**
   * Removes events older than the retention, and on PostgreSQL claims of removed events, one instance at a time.
   * On SQLite in slices, yielding between them: each statement blocks the event loop while it runs.
   */
  async removeExpired(): Promise<number> {
    try {
      const knex = await this.knex();
      const cutoff = new Date(Date.now() - this.retentionMs);
      if (!this.pg) {
        let removed = 0;
        for (;;) {
          const slice = await knex(EVENTS_TABLE)
            .whereIn('id', knex(EVENTS_TABLE).where('created_at', '<', cutoff).orderBy('id').limit(EXPIRED_SLICE).select('id'))
            .delete();
          removed += slice;
          if (slice < EXPIRED_SLICE || this.closed) return removed;
          await new Promise<void>(resolve => setImmediate(resolve));
        }
      }
      return await knex.transaction(async trx => {
        const locked = await trx.raw('SELECT pg_try_advisory_xact_lock(?, ?) AS locked', RETENTION_LOCK);
        if (!locked.rows[0]?.locked) return 0;
        const removed = await trx(EVENTS_TABLE).where('created_at', '<', cutoff).delete();
        await trx.raw(`DELETE FROM ?? c WHERE NOT EXISTS (SELECT 1 FROM ?? e WHERE e.id = c.event_id)`, [CLAIMS_TABLE, EVENTS_TABLE]);
        return Number(removed);
      });
    } catch (error) {
      if (!this.stopped) this.options.logger?.warn(`Expired events could not be removed: ${(error as Error)?.message ?? error}`);
      return 0;
    }
  }

  /**
   * Stops listening and polling and waits (up to `timeoutMs`) for deliveries in progress; `once` events this
   * instance claimed but did not deliver are handed back at once. Publishing still works (plugins stopping
   * after this may publish). Called before the plugins' own shutdown hooks, so no event reaches a stopped plugin.
   */
  async stopDelivering(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopTimers();
    await this.listener?.stop();
    const running = this.subscriptions.flatMap(s => (s.draining ? [s.draining] : []));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(running), new Promise(resolve => (timer = setTimeout(resolve, options.timeoutMs ?? 5000)))]);
    clearTimeout(timer);
    if (this.ready && this.subscriptions.some(s => s.claims)) {
      try {
        // An expired claim is what the other instances' sweep takes over.
        await (await this.ready)(CLAIMS_TABLE)
          .where({ claimed_by: this.instanceId, done: false })
          .update({ claimed_at: new Date(0) });
      } catch {
        /* the database may be gone: the claims then expire after their lease */
      }
    }
  }

  /** Stops delivering and closes the database. */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.stopDelivering(options);
    if (this.closed) return;
    this.closed = true;
    await this.database.shutdown();
  }
}
