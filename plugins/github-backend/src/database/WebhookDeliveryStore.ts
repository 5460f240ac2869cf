import type { DatabaseService } from '@portico/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

export interface WebhookDeliveryStoreOptions {
  /** How long a delivery is remembered. Default one hour. */
  ttlMs?: number;
  /** How many deliveries are remembered at most; the oldest are forgotten first. Default 10,000. */
  maxEntries?: number;
  now?: () => number;
}

/**
 * The webhook deliveries processed recently, in the plugin's database so that every instance sees the
 * deliveries of the others. A delivery is claimed before it is processed: the insert is atomic, so of two
 * copies arriving at once only one is processed.
 */
export class WebhookDeliveryStore {
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private lastPrunedAt = 0;
  private claimsSincePrune = 0;

  constructor(
    private readonly knex: Knex,
    options: WebhookDeliveryStoreOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /**
   * Records a delivery; false when its id or its body was already seen within the TTL (a redelivery or
   * a replay, which may carry a new id: the id header is not signed, the body is).
   */
  async claim(delivery: { id: string; bodyDigest: string }): Promise<boolean> {
    await this.pruneNowAndThen();
    const inserted = await this.knex('webhook_deliveries')
      .insert({ delivery_id: delivery.id, body_digest: delivery.bodyDigest, received_at: this.now() })
      .onConflict()
      .ignore()
      .returning('delivery_id');
    return inserted.length === 1;
  }

  /** Forgets a claimed delivery whose processing failed, so that GitHub's redelivery is processed. */
  async release(deliveryId: string): Promise<void> {
    await this.knex('webhook_deliveries').where({ delivery_id: deliveryId }).delete();
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = this.now();
    this.claimsSincePrune++;
    if (now - this.lastPrunedAt < 60_000 && this.claimsSincePrune < Math.max(1, Math.floor(this.maxEntries / 10))) return;
    this.lastPrunedAt = now;
    this.claimsSincePrune = 0;
    await this.knex('webhook_deliveries').where('received_at', '<=', now - this.ttlMs).delete();
    const newestKept = await this.knex('webhook_deliveries').select('received_at').orderBy('received_at', 'desc').offset(this.maxEntries - 1).first();
    if (newestKept) await this.knex('webhook_deliveries').where('received_at', '<', newestKept.received_at).delete();
  }
}
