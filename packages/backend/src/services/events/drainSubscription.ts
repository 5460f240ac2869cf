import type { LoggerService } from '@portico/backend-plugin-api';

/** A subscription's delivery state, as the stores keep it. */
export interface Drainable {
  subscriber: { id: string };
  /** The delivery running now. */
  draining?: Promise<void>;
  /** Woken while a delivery ran: look once more when it ends. */
  again: boolean;
}

/**
 * Starts `deliver` for a subscription, or, when one runs already, asks it to look again when it ends: one delivery
 * at a time per subscription, and none missed. A failure is logged (unless the store stopped), not thrown; the next
 * wake (a publish, a notification, the poll) tries again. Shared by the database and Redis stores.
 */
export function drainSubscription(subscription: Drainable, deliver: () => Promise<void>, options: { stopped(): boolean; logger?: LoggerService }): void {
  if (subscription.draining) {
    subscription.again = true;
    return;
  }
  subscription.draining = (async () => {
    try {
      do {
        subscription.again = false;
        await deliver();
      } while (subscription.again && !options.stopped());
    } catch (error) {
      if (!options.stopped()) {
        options.logger?.warn(`Events for subscriber '${subscription.subscriber.id}' could not be read: ${(error as Error)?.message ?? error}`);
      }
    } finally {
      subscription.draining = undefined;
    }
  })();
}
