import { requestActivity } from '@portico/backend-plugin-api';
import { yieldToEventLoop } from '../yieldToEventLoop';

/**
 * Whose turn it is to write to the catalog: one holder at a time, the others served in the order they asked.
 * A long write (a 20,000-entity location) gives way between its transactions (`giveWay`): whoever waits
 * (a registered location, a webhook's change) writes then, and the long write goes on after them, instead of
 * every other write waiting for its end.
 */
export class WriteTurn {
  private held = false;
  private readonly waiters: Array<() => void> = [];

  /** Writes waiting for the turn. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves once the turn is the caller's; `release` hands it on. */
  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise(resolve => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next(); // handed over: still held
    else this.held = false;
  }

  /**
   * Called by the holder between two of its transactions. Writes already waiting write at once, and the turn comes
   * back after them: they are requests, and a pause before them only added itself to their answer time (bench/load
   * saw registrations wait 0.3 s for the turn during an ingestion). With none waiting the holder pauses while HTTP
   * requests are in flight, at most `pauseMs` (see RequestActivity): they are served meanwhile, and with none in
   * flight it goes on after one turn of the event loop (a pause then only slowed the load: the portal's first load
   * of 10,000 entities idled half its time). Whoever came meanwhile goes first.
   */
  async giveWay(pauseMs = 0): Promise<void> {
    if (!this.waiters.length) {
      await (pauseMs > 0 ? requestActivity.quiet(pauseMs) : yieldToEventLoop());
      if (!this.waiters.length) return;
    }
    this.release();
    await this.acquire();
  }
}
