/**
 * The HTTP requests this process is serving. The host counts them (every request from its arrival to the end of
 * its response); background work that runs on the same thread in long synchronous stretches (a catalog load, an
 * evaluation) asks `quiet` before its next stretch, so that it pauses while requests are being answered and runs
 * at full speed when none are. Process-wide on purpose: the thread is what requests and background work share.
 */
export interface RequestActivity {
  /** Requests that arrived and whose response has not ended. */
  readonly inFlight: number;
  /** Called by the host when a request arrives; returns the function to call once when its response ends. */
  started(): () => void;
  /**
   * Resolves at once (after one turn of the event loop) when no request is in flight, else when the last one ends
   * or `maxMs` has passed, whichever comes first.
   */
  quiet(maxMs: number): Promise<void>;
  /**
   * Resolves once no request is in flight and none has ended for `quietMs`, or when `maxMs` has passed. Requests that
   * ended before `since` (a `performance.now()` time) do not count: background work that called its own API before
   * pausing passes the time its pause began. A client reading page after page leaves gaps of a few milliseconds
   * between its requests, where `quiet` would let a slice of background work in ahead of its next page.
   */
  settle(quietMs: number, maxMs: number, since?: number): Promise<void>;
}

class ProcessRequestActivity implements RequestActivity {
  private count = 0;
  /** When the last response ended (performance.now()). */
  private lastEnded = -Infinity;
  private readonly waiters = new Set<() => void>();

  get inFlight(): number {
    return this.count;
  }

  started(): () => void {
    this.count++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.lastEnded = performance.now();
      if (--this.count > 0) return;
      const waiters = [...this.waiters];
      this.waiters.clear();
      for (const wake of waiters) wake();
    };
  }

  quiet(maxMs: number): Promise<void> {
    if (this.count === 0 || maxMs <= 0) return new Promise(resolve => setImmediate(resolve));
    return new Promise(resolve => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, maxMs);
      this.waiters.add(done);
    });
  }

  async settle(quietMs: number, maxMs: number, since = -Infinity): Promise<void> {
    const deadline = performance.now() + maxMs;
    for (;;) {
      const now = performance.now();
      if (now >= deadline) return;
      if (this.count > 0) {
        await this.quiet(deadline - now);
        continue;
      }
      const wait = this.lastEnded >= since ? this.lastEnded + quietMs - now : 0;
      if (wait <= 0) return;
      await new Promise(resolve => setTimeout(resolve, Math.min(wait, deadline - now)));
    }
  }
}

/** This process's request activity (see RequestActivity). */
export const requestActivity: RequestActivity = new ProcessRequestActivity();
