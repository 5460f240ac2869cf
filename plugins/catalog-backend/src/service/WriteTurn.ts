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
   * Called by the holder between two of its transactions: it pauses `pauseMs` (0: one turn of the event loop), so
   * that requests are served meanwhile; then the writes waiting (every one that waits by then) write first and
   * the turn comes back after them.
   */
  async giveWay(pauseMs = 0): Promise<void> {
    await (pauseMs > 0 ? new Promise(resolve => setTimeout(resolve, pauseMs)) : yieldToEventLoop());
    if (!this.waiters.length) return;
    this.release();
    await this.acquire();
  }
}
