import { Gauge, register } from 'prom-client';
import { requestActivity, type LoggerService } from '@portico/backend-plugin-api';
import type { Knex } from 'knex';
import type { PendingEvaluationStore } from '../database/PendingEvaluationStore';
import { isTransientFailure } from './transientFailure';

/** Entities re-evaluated in one pass at most: a 20,000-entity first ingestion is done in slices of this. */
export const MAX_EVALUATION_BATCH = 2000;

/**
 * A batch of more refs than one pass takes is a burst (a first load, a bulk change): it is evaluated in slices of
 * this many, each followed by a pause as long as the slice took (at most BURST_MAX_PAUSE_MS), so that requests to
 * the API on the same thread get at least half of it meanwhile, and longer while they keep coming (`backgroundPause`):
 * background work, not competition.
 */
export const BURST_SLICE = 250;
const BURST_MAX_PAUSE_MS = 1000;

/**
 * How long no request may have been answered before the next slice of background work starts: longer than the gap a
 * client leaves between two requests it sends one after the other (reading pages of the catalog), so that the slice
 * does not land ahead of the next one.
 */
export const REQUEST_QUIET_MS = 25;

/** Before background work starts: the requests being answered, and the ones coming one after another, go first. */
export const backgroundStart = (): Promise<void> => requestActivity.settle(REQUEST_QUIET_MS, BURST_MAX_PAUSE_MS);

/**
 * The pause after a slice of background work that took `sliceMs`: as long, so that requests get half the thread;
 * then, while requests keep coming (in flight, or one answered within REQUEST_QUIET_MS), until they stop, for at
 * most as long again (and BURST_MAX_PAUSE_MS in all): under traffic that never stops the work still gets a third
 * of the thread and ends. Requests the slice itself made (to the catalog) do not count.
 */
export const backgroundPause = async (sliceMs: number): Promise<void> => {
  const started = performance.now();
  const pauseMs = Math.min(sliceMs, BURST_MAX_PAUSE_MS);
  await new Promise<void>(resolve => setTimeout(resolve, pauseMs));
  await requestActivity.settle(REQUEST_QUIET_MS, Math.min(pauseMs, BURST_MAX_PAUSE_MS - (performance.now() - started)), started);
};
/** A slice that failed is enqueued again after this long, at most this many times in a row per ref. */
const RETRY_DELAY_MS = 2000;
const MAX_SLICE_RETRIES = 3;
/**
 * A slice that failed because the database (or the catalog) is unavailable is retried for as long as that lasts,
 * without counting against MAX_SLICE_RETRIES, after RETRY_DELAY_MS doubled per such failure in a row, up to this.
 */
const MAX_UNAVAILABLE_DELAY_MS = 10_000;
/**
 * How long a durable queue's claim on a slice of refs lasts: no other instance evaluates them meanwhile. A slice takes
 * seconds; an instance that dies mid-slice leaves its refs to the others once this has passed.
 */
export const CLAIM_LEASE_MS = 5 * 60_000;

/** Where a durable queue keeps its refs (see PendingEvaluationStore), and who this instance is among those sharing it. */
export interface DurableQueueOptions {
  store: PendingEvaluationStore;
  /** This instance (process): its claims are its own. */
  owner: string;
  leaseMs?: number;
  now?: () => number;
}

/** Queues whose depth `/metrics` shows, by name (`entities`, `scorecards`); a stopped queue leaves. */
const published = new Map<EvaluationQueue, string>();
const DEPTH_METRIC = 'portico_scorecards_evaluation_queue_depth';

function publishDepth(queue: EvaluationQueue, name: string): void {
  published.set(queue, name);
  if (register.getSingleMetric(DEPTH_METRIC)) return;
  new Gauge({
    name: DEPTH_METRIC,
    help: 'Refs waiting to be evaluated on this instance (changed entities, or changed scorecards), by queue',
    labelNames: ['queue'],
    collect() {
      this.reset();
      const depths = new Map<string, number>();
      for (const [q, n] of published) depths.set(n, (depths.get(n) ?? 0) + q.depth);
      for (const [n, depth] of depths) this.set({ queue: n }, depth);
    },
  });
}

/**
 * Collects entity refs that changed and re-evaluates them in batches shortly after (`delayMs`),
 * one batch at a time (at most MAX_EVALUATION_BATCH refs each), so a burst of changes costs few passes.
 */
export class EvaluationQueue {
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  /** A drain is waiting for the gate. */
  private waiting = false;
  /** Refs taken from `pending` into batches not processed yet. */
  private inFlight = 0;
  /** Refs whose last re-evaluation failed, with how many times in a row. */
  private readonly failures = new Map<string, number>();
  /** Failures in a row because the database was unavailable (the backoff), reset by a slice that succeeds. */
  private unavailableStreak = 0;

  constructor(
    private readonly process: (entityRefs: string[]) => Promise<void>,
    private readonly logger: LoggerService,
    private readonly delayMs = 100,
    private readonly maxBatch = MAX_EVALUATION_BATCH,
    /** Batches wait for this first (the catalog's first load, see CatalogLoadGate); refs keep collecting meanwhile. */
    private readonly gate?: { readonly held: boolean; wait(): Promise<void> },
    /** Told of every ref enqueued, before it is (see EvaluationCoverage). */
    private readonly onEnqueue?: (refs: string[]) => void,
    /**
     * Refs are recorded in the database before `add` returns, claimed per slice before it is evaluated and deleted once
     * it is saved: an instance that dies loses none, and instances sharing the database never evaluate one at once.
     */
    private readonly durable?: DurableQueueOptions,
  ) {}

  /** Refs waiting: pending, plus those of batches not processed yet. */
  get depth(): number {
    return this.pending.size + this.inFlight;
  }

  /** Shows this queue's depth on `/metrics` (`portico_scorecards_evaluation_queue_depth{queue="<name>"}`) until it stops. */
  publishDepth(name: string): this {
    publishDepth(this, name);
    return this;
  }

  /**
   * Queues refs: on a durable queue they are recorded in the database first (rejects if that fails: the caller, an
   * event handler, has its event delivered again), then evaluated shortly.
   */
  async add(entityRefs: Iterable<string>, options?: { recorded?: boolean }): Promise<void> {
    if (this.stopped) return;
    const refs = [...entityRefs];
    if (refs.length === 0) return;
    if (this.durable && !options?.recorded) await this.durable.store.add(refs, this.now());
    this.enqueueLocal(refs);
  }

  /**
   * Records refs as waiting in `trx`, the transaction of the change that causes their evaluation (on a durable queue;
   * nothing otherwise): a process that dies right after the commit leaves them to the next instead of losing them.
   * Then, once committed, `add(refs, { recorded: true })` has them evaluated now.
   */
  async recordWithin(trx: Knex.Transaction, entityRefs: Iterable<string>): Promise<void> {
    // recorded on a stopping queue too: the row is what the next process takes up
    if (!this.durable) return;
    const refs = [...entityRefs];
    if (refs.length) await this.durable.store.add(refs, this.now(), trx);
  }

  /** `add` for callers that cannot wait: a failure to record the refs is logged. */
  enqueue(entityRefs: Iterable<string>): void {
    if (!this.durable) return this.enqueueLocal(entityRefs);
    const refs = [...entityRefs];
    if (refs.length === 0) return;
    this.add(refs).catch(error =>
      this.logger.error(`Queueing ${refs.length} changed entities for re-evaluation failed; the next scheduled evaluation covers them`, error instanceof Error ? error : { error: String(error) }),
    );
  }

  /**
   * Queues the refs recorded in the database that no instance holds (left by a process that died, or by one whose
   * claims ran out); `includeClaimed`: every row (SQLite, where no other instance can hold them); `queuedBefore`: only
   * those first queued before then. Returns how many.
   */
  async recover(options: { includeClaimed?: boolean; queuedBefore?: number } = {}): Promise<number> {
    if (!this.durable || this.stopped) return 0;
    const refs = await this.durable.store.waiting(this.now(), options);
    this.enqueueLocal(refs);
    return refs.length;
  }

  private now(): number {
    return this.durable?.now?.() ?? Date.now();
  }

  /** Into this instance's memory only (the refs are recorded already, or the queue is not durable). */
  private enqueueLocal(entityRefs: Iterable<string>): void {
    if (this.stopped) return;
    const refs = [...entityRefs];
    if (refs.length && this.onEnqueue) this.onEnqueue(refs);
    for (const ref of refs) this.pending.add(ref);
    if (this.pending.size > 0 && !this.timer && !this.waiting) this.timer = setTimeout(() => void this.drain(), this.delayMs);
  }

  private async drain(): Promise<void> {
    this.timer = undefined;
    if (this.gate?.held) {
      // refs enqueued meanwhile join this drain's batch (enqueue schedules no other drain while it waits)
      this.waiting = true;
      try {
        await this.gate.wait();
      } finally {
        this.waiting = false;
      }
      if (this.stopped) return;
    }
    const batch = [...this.pending];
    this.pending.clear();
    if (batch.length === 0) return this.running;
    this.inFlight += batch.length;
    const burst = batch.length > this.maxBatch;
    const size = burst ? Math.min(this.maxBatch, BURST_SLICE) : this.maxBatch;
    this.running = this.running.then(async () => {
      for (let i = 0; i < batch.length; i += size) {
        if (this.stopped) return;
        // a burst's first slice, too, lets the requests being answered finish first
        if (burst && i === 0) await backgroundStart();
        const taken = batch.slice(i, i + size);
        let slice = taken;
        let claims: Map<string, number> | undefined;
        const started = performance.now();
        try {
          if (this.durable) {
            // refs another instance holds are its to evaluate (it evaluates them again if they were queued meanwhile)
            const { store, owner, leaseMs = CLAIM_LEASE_MS } = this.durable;
            claims = await store.claim(taken, owner, this.now(), leaseMs);
            slice = taken.filter(ref => claims!.has(ref));
            if (slice.length === 0) continue;
          }
          await this.process(slice);
          // saved: the rows go, but for refs queued again meanwhile, evaluated again
          if (this.durable && claims) this.enqueueLocal(await this.durable.store.complete(claims, this.durable.owner));
          for (const ref of slice) this.failures.delete(ref);
          this.unavailableStreak = 0;
          if (burst && i + size < batch.length) await backgroundPause(performance.now() - started);
        } catch (error) {
          // One failed slice does not stop the others, and is tried again: a few times after an error (a deadlock
          // the store did not get past), for as long as it lasts while the database is unavailable (a failover or
          // restart of PostgreSQL): its entities would otherwise wait for the next scheduled pass.
          const unavailable = isTransientFailure(error);
          const retry = unavailable ? slice : slice.filter(ref => (this.failures.get(ref) ?? 0) < MAX_SLICE_RETRIES);
          if (!unavailable) for (const ref of retry) this.failures.set(ref, (this.failures.get(ref) ?? 0) + 1);
          if (claims) {
            const retried = new Set(retry);
            this.giveUp(slice.filter(ref => !retried.has(ref)), claims);
          }
          const delayMs = unavailable ? Math.min(RETRY_DELAY_MS * 2 ** this.unavailableStreak++, MAX_UNAVAILABLE_DELAY_MS) : RETRY_DELAY_MS;
          const why = unavailable ? ': the database is unavailable' : '';
          const note = retry.length ? `; trying ${retry.length} again in ${delayMs / 1000} s` : '';
          this.logger.error(`Re-evaluating ${slice.length} changed entities failed${why}${note}`, error instanceof Error ? error : { error: String(error) });
          if (retry.length) {
            const timer = setTimeout(() => this.enqueueLocal(retry), delayMs);
            timer.unref?.();
          }
        } finally {
          this.inFlight -= taken.length;
        }
      }
    });
    return this.running;
  }

  /** Refs given up on after failing MAX_SLICE_RETRIES times are dropped, as without a database (unless queued again). */
  private giveUp(refs: string[], claims: Map<string, number>): void {
    if (!this.durable || refs.length === 0) return;
    // refs is part of the slice, which holds only the claimed refs
    const given = new Map(refs.map(ref => [ref, claims.get(ref)!] as const));
    this.durable.store.complete(given, this.durable.owner).then(
      again => this.enqueueLocal(again),
      error => this.logger.error(`Dropping ${given.size} entities that failed to re-evaluate from the queue failed`, error instanceof Error ? error : { error: String(error) }),
    );
  }

  /** Processes whatever is pending now and waits until the queue is idle. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.drain();
  }

  stop(): void {
    this.stopped = true;
    published.delete(this);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  /** After `stop`: frees the refs this instance claimed in the database, for the other instances (or the next process). */
  async release(): Promise<void> {
    if (this.durable) await this.durable.store.releaseAll(this.durable.owner);
  }
}
