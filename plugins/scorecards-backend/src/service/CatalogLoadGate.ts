/** How long evaluations wait for the catalog's first load at most, from the first change it announces. */
export const MAX_LOAD_DEFERRAL_MS = 30_000;

/**
 * Holds background work (re-evaluation, fact collection) while the catalog's first read of its locations is in
 * progress, so that work does not compete with the load for the CPU and the catalog API: `hold()` on a change
 * announced as `loading`, `release()` on `catalog.load.finished`. A hold ends by itself after `maxMs` (the finish
 * event may never come: the catalog failed, or another instance read), and the gate holds once only: after the
 * first load, changes are evaluated as they come.
 */
export class CatalogLoadGate {
  private state: 'open' | 'held' | 'done' = 'open';
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private heldSince: number | undefined;

  constructor(
    private readonly maxMs = MAX_LOAD_DEFERRAL_MS,
    private readonly onReleased?: (info: { heldMs: number; timedOut: boolean }) => void,
  ) {}

  get held(): boolean {
    return this.state === 'held';
  }

  /** Starts holding, unless a hold already ran (the first load is over or its bound passed). */
  hold(): void {
    if (this.state !== 'open') return;
    this.state = 'held';
    this.heldSince = Date.now();
    this.timer = setTimeout(() => this.finish(true), this.maxMs);
    this.timer.unref?.();
  }

  /** The first load is done: whatever waits runs now, and the gate never holds again. */
  release(): void {
    this.finish(false);
  }

  /** Resolves at once unless held; otherwise when released or when the bound passes. */
  wait(): Promise<void> {
    if (this.state !== 'held') return Promise.resolve();
    return new Promise(resolve => this.waiters.push(resolve));
  }

  /**
   * A gate that holds while this one does and, after, until `first` has done what it holds (the Scorecards the load
   * changed are evaluated whole before the entities it changed, which those whole evaluations then cover).
   */
  followedBy(first: { readonly depth: number; flush(): Promise<void> }): { readonly held: boolean; wait(): Promise<void> } {
    const loadHeld = () => this.held;
    return {
      get held() {
        return loadHeld() || first.depth > 0;
      },
      wait: async () => {
        await this.wait();
        await first.flush();
      },
    };
  }

  private finish(timedOut: boolean): void {
    const wasHeld = this.state === 'held';
    this.state = 'done';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
    if (wasHeld) this.onReleased?.({ heldMs: Date.now() - (this.heldSince ?? Date.now()), timedOut });
  }
}
