import type { DatabaseService } from '@portico/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/**
 * The webhook events processed recently, by the delivery id, in the plugin's database so that every instance
 * sees the others'. An event is claimed before it is processed: the insert is atomic, so of two copies arriving at
 * once (a retry racing the original) only one is processed.
 */
export class WebhookEventStore {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private lastPrunedAt = 0;

  constructor(
    private readonly knex: Knex,
    options: { ttlMs?: number; now?: () => number } = {},
  ) {
    // Jira retries a failed delivery for a while; a day covers its retries.
    this.ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.now = options.now ?? Date.now;
  }

  /** Records an event; false when it was already claimed within the TTL. */
  async claim(eventId: string): Promise<boolean> {
    await this.pruneNowAndThen();
    const inserted = await this.knex('webhook_events').insert({ event_id: eventId, received_at: this.now() }).onConflict().ignore().returning('event_id');
    return inserted.length === 1;
  }

  /** Forgets a claimed event whose processing failed, so that Jira's retry is processed. */
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
