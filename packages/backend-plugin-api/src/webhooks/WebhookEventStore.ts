import type { DatabaseService } from '../services/definitions/DatabaseService';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/**
 * The webhook events a plugin processed recently, by the vendor's event or delivery id, in the plugin's own
 * database so that every instance sees the others' (the table `webhook_events`: `event_id` string primary key,
 * `received_at` bigint, indexed; each plugin creates it in its migrations). An event is claimed before it is
 * processed: the insert is atomic, so of two copies arriving at once (a retry racing the original) only one is
 * processed; a failed one is released, so the vendor's retry is processed.
 */
export class WebhookEventStore {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private lastPrunedAt = 0;

  constructor(
    private readonly knex: Knex,
    options: { ttlMs?: number; now?: () => number } = {},
  ) {
    // Vendors retry a failed delivery for hours (PagerDuty, Jira); a day covers their retries.
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Records an event; false when it was already claimed within the TTL. */
  async claim(eventId: string): Promise<boolean> {
    await this.pruneNowAndThen();
    const inserted = await this.knex('webhook_events').insert({ event_id: eventId, received_at: this.now() }).onConflict().ignore().returning('event_id');
    return inserted.length === 1;
  }

  /** Forgets a claimed event whose processing failed, so that the vendor's retry is processed. */
  async release(eventId: string): Promise<void> {
    await this.knex('webhook_events').where({ event_id: eventId }).delete();
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = this.now();
    if (now - this.lastPrunedAt < 60_000) return;
    this.lastPrunedAt = now;
    await this.knex('webhook_events').where('received_at', '<=', now - this.ttlMs).delete();
  }
}
