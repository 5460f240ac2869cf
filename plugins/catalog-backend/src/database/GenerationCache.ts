import type { Knex } from 'knex';

/**
 * What tells instances sharing one database that one of them wrote: `advance` after a committed write,
 * `read` before answering from the cache. Without one (SQLite, one instance per data dir) only local
 * writes invalidate.
 */
export interface ChangeMarker {
  advance(): Promise<void>;
  read(): Promise<string>;
}

/** The sequence `catalog_change_marker` (its own migration): moving it neither blocks nor is rolled back. */
export function pgChangeMarker(knex: Knex): ChangeMarker {
  return {
    async advance() {
      await knex.raw(`SELECT nextval('catalog_change_marker')`);
    },
    async read() {
      const { rows } = (await knex.raw('SELECT last_value, is_called FROM catalog_change_marker')) as { rows: Array<{ last_value: string; is_called: boolean }> };
      return `${rows[0].last_value}:${rows[0].is_called}`;
    },
  };
}

/** How stale a slow count or facet may be served while its recomputation runs (`catalog.counts`). */
export interface StalenessOptions {
  /** Longest after its computation started that a value is served past later writes; 0: never (the default). */
  maxStalenessMs?: number;
  /** Only values that took at least this long to compute are served stale; cheap ones are always current. */
  slowerThanMs?: number;
  /**
   * Only values counting at least this many entities (by the `weigh` given to `cached`) are served stale: a small
   * catalog's counts are always current, however long a busy moment made one take.
   */
  heavierThan?: number;
  /** The clock (tests). */
  now?: () => number;
  /**
   * Most computations running at once; the rest wait their turn. On PostgreSQL, half the plugin's pool: facets and
   * totals of a large catalog take seconds, and must not hold every connection while cheap reads (by name) wait.
   */
  concurrency?: number;
}

/** A value computed once, with when its computation started, how long it took and how many entities it counts. */
interface Settled {
  value: unknown;
  startedAt: number;
  computeMs: number;
  weight: number;
}

/** Time includes waiting for the connection (SQLite has one, which a write transaction holds). */
export const DEFAULT_SLOWER_THAN_MS = 50;
export const DEFAULT_HEAVIER_THAN = 1000;

/**
 * Reads cached until the next committed write: `bump` after every write, `cached` around counts and
 * facets. With a change marker, a write on another instance (the marker moved) empties the cache too.
 *
 * Why another instance cannot answer stale counts after a write here (issue 18, "caches that agree"): every
 * `cached` read first reads the shared marker (one sequence read on PostgreSQL), so the owner of the cache is the
 * database itself, not an event that could be missed or arrive late; a marker this instance could not move (the
 * database went away right after the commit) is moved by its next read or write. Checked by
 * test/instances/cachesAcrossInstances.test.ts.
 *
 * Slow values under steady writes (`maxStalenessMs`): at 100,000 entities a facet or a by-query total takes seconds
 * on PostgreSQL, and writes arrive every second or so, so each write emptied the cache and every request recomputed
 * them, holding the pool's connections while by-name reads queued behind (bench/load: 20 requests a second). A value
 * that took `slowerThanMs` or more and weighs `heavierThan` or more (the catalog's size) is now served on after a write, while one
 * recomputation per key runs (started as late as the bound allows), for up to `maxStalenessMs` after its own computation started: what such a count says
 * includes every write committed more than `maxStalenessMs` ago. Other values (small catalogs, selective filters) are
 * recomputed after every write as before.
 */
export class GenerationCache {
  private generation = 0;
  private readonly cache = new Map<string, Promise<unknown>>();
  /** The computation of each key still running, of whichever generation: a slow key runs one at a time. */
  private readonly running = new Map<string, Promise<unknown>>();
  /** The last value computed per key, of any generation: what a slow key serves while it is recomputed. */
  private readonly settled = new Map<string, Settled>();
  private markerSeen?: string;
  /** A committed write whose marker move failed: the other instances have not been told yet. */
  private advancePending = false;
  private readonly maxStalenessMs: number;
  private readonly slowerThanMs: number;
  private readonly heavierThan: number;
  private readonly now: () => number;
  private readonly concurrency: number;
  private active = 0;
  /** Computations waiting for a turn, each handed the turn of one that ends. */
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly marker?: ChangeMarker, options: StalenessOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? Number.POSITIVE_INFINITY);
    this.maxStalenessMs = options.maxStalenessMs ?? 0;
    this.slowerThanMs = options.slowerThanMs ?? DEFAULT_SLOWER_THAN_MS;
    this.heavierThan = options.heavierThan ?? DEFAULT_HEAVIER_THAN;
    this.now = options.now ?? (() => performance.now());
  }

  /** Bumped on every committed write (and on every write another instance made, once seen). */
  getGeneration(): number {
    return this.generation;
  }

  /** After a committed write: forgets every cached read here at once, and tells the other instances. */
  async bump(): Promise<void> {
    this.invalidate();
    await this.advanceMarker();
  }

  /** Moves the marker; one that cannot be moved now (the database just went away) is moved by the next read or write. */
  private async advanceMarker(): Promise<void> {
    if (!this.marker) return;
    try {
      await this.marker.advance();
      this.advancePending = false;
    } catch {
      this.advancePending = true;
    }
  }

  private invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  /** The last value of `key`, when it was slow to compute and is recent enough to stand in for a recomputation. */
  private standIn(key: string): Settled | undefined {
    if (this.maxStalenessMs <= 0) return undefined;
    const last = this.settled.get(key);
    if (!last || last.computeMs < this.slowerThanMs || last.weight < this.heavierThan) return undefined;
    if (this.now() - last.startedAt > this.maxStalenessMs) return undefined;
    return last;
  }

  /**
   * How long after its computation started a stand-in is recomputed: as late as lets the new value (taking twice
   * what the last one cost) be in before the stand-in passes the bound. Recomputing each slow key again as soon as
   * the last computation ended, on every instance, kept PostgreSQL busy with facets at 100,000 entities (bench/load:
   * three instances, a write every half second, facets of 0.25 s).
   */
  private refreshAfter(last: Settled): number {
    return Math.max(0, this.maxStalenessMs - 2 * last.computeMs);
  }

  /** `weigh`: how many entities a value counts (a total, a facet's counts summed); without it a value weighs nothing. */
  async cached<T>(key: string, compute: () => Promise<T>, weigh?: (value: T) => number): Promise<T> {
    if (this.marker) {
      if (this.advancePending) await this.advanceMarker();
      const seen = await this.marker.read();
      if (seen !== this.markerSeen) {
        if (this.markerSeen !== undefined) this.invalidate();
        this.markerSeen = seen;
      }
    }
    const hit = this.cache.get(key) as Promise<T> | undefined;
    const standIn = this.standIn(key);
    // this generation's value, unless it is still being computed and a recent one can stand in
    if (hit) return standIn && this.running.get(key) === hit ? (standIn.value as T) : hit;
    const running = this.running.get(key);
    if (!standIn && running && this.maxStalenessMs > 0) {
      // The first value of a key, computed before a write, is still running: wait for it rather than start another;
      // if it turns out slow and heavy it answers, otherwise this generation's own value is computed.
      return running.then(
        () => {
          const first = this.standIn(key);
          return first ? (first.value as T) : this.cached(key, compute, weigh);
        },
        () => this.cached(key, compute, weigh),
      );
    }
    if (!standIn) return this.compute(key, compute, weigh);
    // the recent value answers; one computation brings the next (none while an older one still runs), started as
    // late as the bound allows
    if (!running && this.now() - standIn.startedAt >= this.refreshAfter(standIn)) void this.compute(key, compute, weigh).catch(() => undefined);
    return standIn.value as T;
  }

  /** Computes `key` once for the current generation; its value is kept for this generation and as the key's last. */
  private compute<T>(key: string, compute: () => Promise<T>, weigh?: (value: T) => number): Promise<T> {
    const generation = this.generation;
    // when the computation began (after any wait for its turn), and how long it took
    let startedAt = this.now();
    const p = this.inTurn(() => {
      startedAt = this.now();
      return compute();
    });
    this.cache.set(key, p);
    this.running.set(key, p);
    p.then(
      value => {
        if (this.running.get(key) === p) this.running.delete(key);
        if (this.generation !== generation && this.cache.get(key) === p) this.cache.delete(key);
        const last = this.settled.get(key);
        if (!last || last.startedAt <= startedAt) {
          this.settled.delete(key);
          this.settled.set(key, { value, startedAt, computeMs: this.now() - startedAt, weight: weigh ? weigh(value) : 0 });
          if (this.settled.size > 500) this.settled.delete(this.settled.keys().next().value as string);
        }
      },
      () => {
        if (this.running.get(key) === p) this.running.delete(key);
        if (this.cache.get(key) === p) this.cache.delete(key);
      },
    );
    // a rejection is the caller's; this bookkeeping must not make it an unhandled one
    p.catch(() => undefined);
    if (this.cache.size > 500) this.cache.delete(this.cache.keys().next().value as string);
    return p;
  }

  /** Runs `fn` when fewer than `concurrency` computations run. */
  private async inTurn<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active < this.concurrency) this.active++;
    else await new Promise<void>(resolve => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
