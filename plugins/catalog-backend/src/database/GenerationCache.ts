import crypto from 'node:crypto';
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

/**
 * A slow value as instances share it: what it was, as of when (ms since 1970: it includes every write committed before
 * then), what it cost to compute and how many entities it counts.
 */
export interface SharedSettled {
  value: unknown;
  asOf: number;
  computeMs: number;
  weight: number;
}

/**
 * Where instances sharing one database leave the slow values they computed, and claim the next computation of one:
 * a slow facet is then computed once per period for all of them instead of once per instance.
 */
export interface SharedValues {
  /** The last value of `key` any instance left. */
  read(key: string): Promise<SharedSettled | undefined>;
  /**
   * Claims the next computation of `key` until `until` (ms since 1970); false while another instance's claim holds, or
   * when a value more recent than `seenAsOf` is there already (left between this instance's read and its claim).
   */
  claim(key: string, until: number, now: number, seenAsOf: number): Promise<boolean>;
  /** Leaves a computed value (unless a later one is there) and ends the claim. */
  write(key: string, settled: SharedSettled): Promise<void>;
}

/** Rows of values nobody refreshed for this long are deleted now and then (their filters went out of use). */
const SHARED_ROW_MAX_AGE_MS = 60 * 60_000;

/** The table `catalog_shared_counts` (its own migration; used on PostgreSQL), one row per key by its SHA-1. */
export function pgSharedValues(knex: Knex): SharedValues {
  const id = (key: string) => crypto.hash('sha1', key, 'hex');
  let writes = 0;
  return {
    async read(key) {
      const row = (await knex('catalog_shared_counts').where({ key_hash: id(key) }).first('value', 'as_of', 'compute_ms', 'weight')) as
        | { value: string | null; as_of: string | number; compute_ms: string | number; weight: string | number }
        | undefined;
      if (!row || row.value === null) return undefined;
      return { value: JSON.parse(row.value) as unknown, asOf: Number(row.as_of), computeMs: Number(row.compute_ms), weight: Number(row.weight) };
    },
    async claim(key, until, now, seenAsOf) {
      // the first claim of a key inserts its row; a later one takes it over once the last claim has run out, unless a
      // newer value came meanwhile
      const { rows } = (await knex.raw(
        `INSERT INTO catalog_shared_counts (key_hash, lease_until) VALUES (?, ?)
         ON CONFLICT (key_hash) DO UPDATE SET lease_until = EXCLUDED.lease_until
         WHERE catalog_shared_counts.lease_until < ? AND (catalog_shared_counts.as_of IS NULL OR catalog_shared_counts.as_of <= ?)
         RETURNING key_hash`,
        [id(key), until, now, Math.round(seenAsOf)],
      )) as { rows: unknown[] };
      return rows.length > 0;
    },
    async write(key, settled) {
      await knex.raw(
        `INSERT INTO catalog_shared_counts (key_hash, value, as_of, compute_ms, weight, lease_until) VALUES (?, ?, ?, ?, ?, 0)
         ON CONFLICT (key_hash) DO UPDATE SET value = EXCLUDED.value, as_of = EXCLUDED.as_of, compute_ms = EXCLUDED.compute_ms,
           weight = EXCLUDED.weight, lease_until = 0
         WHERE catalog_shared_counts.as_of IS NULL OR catalog_shared_counts.as_of <= EXCLUDED.as_of`,
        [id(key), JSON.stringify(settled.value), Math.round(settled.asOf), Math.round(settled.computeMs), settled.weight],
      );
      if (++writes % 100 === 0) await knex('catalog_shared_counts').where('as_of', '<', settled.asOf - SHARED_ROW_MAX_AGE_MS).delete();
    },
  };
}

/** How stale a slow count or facet may be served while its recomputation runs (`catalog.counts`). */
export interface StalenessOptions {
  /**
   * Longest after it was last known current (computed, or served with no write seen since) that a value is served past
   * later writes; 0: never (the default).
   */
  maxStalenessMs?: number;
  /** Only values that took at least this long to compute are served stale; cheap ones are always current. */
  slowerThanMs?: number;
  /**
   * Only values counting at least this many entities (by the `weigh` given to `cached`) are served stale: a small
   * catalog's counts are always current, however long a busy moment made one take.
   */
  heavierThan?: number;
  /** The clock, ms since 1970 (tests). */
  now?: () => number;
  /**
   * Where several instances share their slow values (PostgreSQL): a stand-in due for recomputation first takes a
   * newer value another instance left, else claims the computation, else (another instance computes it) answers on.
   */
  shared?: SharedValues;
  /**
   * Most computations running at once; the rest wait their turn. On PostgreSQL, half the plugin's pool: facets and
   * totals of a large catalog take seconds, and must not hold every connection while cheap reads (by name) wait.
   */
  concurrency?: number;
}

/** A value computed once, as of when it was last known current, how long it took and how many entities it counts. */
interface Settled extends SharedSettled {
  /** Not before then is the shared value looked up again (another instance claimed its computation). */
  checkAfter?: number;
}

/** A claim lasts twice a value's last cost and this much more; a lost claim is looked at again after its cost, or this. */
const CLAIM_MARGIN_MS = 1000;
const RECHECK_MIN_MS = 100;
/** The least share of `maxStalenessMs` left for a stand-in's recomputation (see refreshAfter). */
const REFRESH_WINDOW_SHARE = 0.25;

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
 * recomputation per key runs (started late in the bound), for up to `maxStalenessMs` after it was last known current (its computation started, or it was served with no write seen since): what such a count says
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
  /**
   * This generation's computed values: each time one is served, no write has been seen since it was computed, so it
   * is known current then (`asOf` moves on). A value read often before a write then stands in after it for the whole
   * bound, not only for what is left of the bound since its computation, which a quiet spell used up (three instances
   * at 100,000 entities recomputed each facet at once, on every instance, at the first write after a few quiet seconds).
   */
  private readonly current = new Map<string, Settled>();
  private markerSeen?: string;
  /** A committed write whose marker move failed: the other instances have not been told yet. */
  private advancePending = false;
  private readonly maxStalenessMs: number;
  private readonly slowerThanMs: number;
  private readonly heavierThan: number;
  private readonly now: () => number;
  private readonly concurrency: number;
  private readonly shared?: SharedValues;
  /** Keys whose shared value is being looked up or claimed. */
  private readonly checking = new Set<string>();
  /** Reads of shared values in progress, by key. */
  private readonly sharedReads = new Map<string, Promise<SharedSettled | undefined>>();
  private active = 0;
  /** Computations waiting for a turn, each handed the turn of one that ends. */
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly marker?: ChangeMarker, options: StalenessOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? Number.POSITIVE_INFINITY);
    this.maxStalenessMs = options.maxStalenessMs ?? 0;
    this.slowerThanMs = options.slowerThanMs ?? DEFAULT_SLOWER_THAN_MS;
    this.heavierThan = options.heavierThan ?? DEFAULT_HEAVIER_THAN;
    this.now = options.now ?? Date.now;
    this.shared = options.shared;
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
    this.current.clear();
  }

  /** The last value of `key`, when it was slow to compute and is recent enough to stand in for a recomputation. */
  private standIn(key: string): Settled | undefined {
    const last = this.settled.get(key);
    return this.mayStandIn(last) && this.now() - last.asOf <= this.maxStalenessMs ? last : undefined;
  }

  /** Whether a value was slow and heavy enough to stand in for its recomputation, when recent enough. */
  private mayStandIn(last: SharedSettled | undefined): last is Settled {
    return this.maxStalenessMs > 0 && !!last && last.computeMs >= this.slowerThanMs && last.weight >= this.heavierThan;
  }

  /** The shared value of `key`, read once for the requests that ask at the same moment; undefined when it cannot be read. */
  private readShared(key: string, shared: SharedValues): Promise<SharedSettled | undefined> {
    let read = this.sharedReads.get(key);
    if (!read) {
      read = shared.read(key).catch(() => undefined).finally(() => this.sharedReads.delete(key));
      this.sharedReads.set(key, read);
    }
    return read;
  }

  /** Takes `theirs` as the key's last value when it is more recent than this instance's. */
  private adopt(key: string, theirs: SharedSettled): Settled {
    const last = this.settled.get(key);
    if (last && last.asOf >= theirs.asOf) return last;
    return this.remember(key, { ...theirs });
  }

  /** Keeps `settled` as the key's last value, the most recently set last among at most 500 keys. */
  private remember(key: string, settled: Settled): Settled {
    this.settled.delete(key);
    this.settled.set(key, settled);
    if (this.settled.size > 500) this.settled.delete(this.settled.keys().next().value as string);
    return settled;
  }

  /**
   * How long after it was last known current a stand-in is recomputed: late, but leaving before the bound twice what
   * the last computation cost, and at least a quarter of the bound, for a request to come that starts it.
   * Recomputing each slow key again as soon as the last computation ended, on every instance, kept PostgreSQL busy
   * with facets at 100,000 entities (bench/load: three instances, a write every half second, facets of 0.25 s); with
   * only twice the cost left (0.5 s), a key asked for about once a second per instance was often not asked for in
   * that window, passed the bound, and was then computed by every instance at once while its request waited.
   */
  private refreshAfter(last: Settled): number {
    return Math.max(0, this.maxStalenessMs - Math.max(2 * last.computeMs, this.maxStalenessMs * REFRESH_WINDOW_SHARE));
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
    if (hit) {
      if (standIn && this.running.get(key) === hit) return standIn.value as T;
      const current = this.current.get(key);
      if (current) current.asOf = Math.max(current.asOf, this.now());
      return hit;
    }
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
    if (!standIn) {
      // A slow value past its bound here may have been recomputed by another instance within it (a key asked for
      // now and then on each instance misses the moment of its own recomputation): that one stands in instead of
      // computing it here, as every instance would at once.
      const last = this.settled.get(key);
      if (this.shared && this.mayStandIn(last)) {
        const theirs = await this.readShared(key, this.shared);
        if (theirs && theirs.asOf > last.asOf && this.mayStandIn(theirs) && this.now() - theirs.asOf <= this.maxStalenessMs) {
          return this.adopt(key, theirs).value as T;
        }
        const meanwhile = this.cache.get(key) as Promise<T> | undefined; // another request started it while this one read
        if (meanwhile) return meanwhile;
      }
      return this.compute(key, compute, weigh);
    }
    // the recent value answers; one computation brings the next (none while an older one still runs), started late
    // in the bound (refreshAfter)
    if (!running && !this.checking.has(key) && this.now() - standIn.asOf >= this.refreshAfter(standIn) && this.now() >= (standIn.checkAfter ?? 0)) {
      if (this.shared) void this.refreshShared(key, compute, weigh, this.shared).catch(() => undefined);
      else void this.compute(key, compute, weigh).catch(() => undefined);
    }
    return standIn.value as T;
  }

  /**
   * A stand-in due for recomputation, when instances share their values: a newer value another instance left takes
   * its place (and is recomputed when it is due in turn); otherwise this instance claims the computation, computes
   * and leaves the value for the others; if another instance holds the claim, the stand-in answers on and the shared
   * value is looked at again after the last computation's cost.
   */
  private async refreshShared<T>(key: string, compute: () => Promise<T>, weigh: ((value: T) => number) | undefined, shared: SharedValues): Promise<void> {
    this.checking.add(key);
    let computing: Promise<T>;
    try {
      const theirs = await this.readShared(key, shared);
      let last = this.settled.get(key);
      if (theirs && (!last || theirs.asOf > last.asOf)) {
        last = this.adopt(key, theirs);
        if (this.now() - last.asOf < this.refreshAfter(last)) return;
      }
      const costMs = last?.computeMs ?? 0;
      if (!(await shared.claim(key, this.now() + 2 * costMs + CLAIM_MARGIN_MS, this.now(), last?.asOf ?? 0))) {
        if (last) last.checkAfter = this.now() + Math.max(RECHECK_MIN_MS, costMs);
        return;
      }
      computing = this.compute(key, compute, weigh);
    } finally {
      this.checking.delete(key);
    }
    await computing;
    const mine = this.settled.get(key);
    if (mine) await shared.write(key, { value: mine.value, asOf: mine.asOf, computeMs: mine.computeMs, weight: mine.weight });
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
        const settled: Settled = { value, asOf: startedAt, computeMs: this.now() - startedAt, weight: weigh ? weigh(value) : 0 };
        if (!last || last.asOf <= startedAt) {
          this.remember(key, settled);
          if (this.generation === generation && this.cache.get(key) === p) this.current.set(key, settled);
        }
      },
      () => {
        if (this.running.get(key) === p) this.running.delete(key);
        if (this.cache.get(key) === p) this.cache.delete(key);
      },
    );
    // a rejection is the caller's; this bookkeeping must not make it an unhandled one
    p.catch(() => undefined);
    if (this.cache.size > 500) {
      const oldest = this.cache.keys().next().value as string;
      this.cache.delete(oldest);
      this.current.delete(oldest);
    }
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
