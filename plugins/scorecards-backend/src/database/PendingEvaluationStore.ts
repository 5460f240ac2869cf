import type { Knex } from 'knex';
import { databaseEngineOf } from '@portico/backend-plugin-api';
import { chunk, MAX_ROWS_PER_INSERT, toMillis } from './dbValues';

const TABLE = 'pending_entity_evaluations';
/** Refs per statement that lists them (well under both engines' bound-parameter limits). */
const REFS_PER_STATEMENT = 500;

/**
 * Changed entities waiting to be re-evaluated, kept in the database so that an instance that dies (`kill -9`) after
 * the change event was acknowledged loses none: a row is written before the event's handler returns and deleted once
 * the entity's evaluation is saved, unless the entity was queued again meanwhile (its `version` moved).
 *
 * Across instances an entity is evaluated by one at a time: an instance claims a slice's rows (`claimed_by`,
 * `claimed_until`: a lease, `FOR UPDATE SKIP LOCKED` on PostgreSQL) before evaluating it, and skips rows another
 * instance holds. A lease that runs out (the instance died mid-slice) frees its rows for the others.
 */
export class PendingEvaluationStore {
  private readonly pg: boolean;

  constructor(private readonly knex: Knex) {
    this.pg = databaseEngineOf(knex) === 'pg';
  }

  /** SQLite serves one instance: rows claimed there belong to a process that is gone once a new one starts. */
  get singleInstance(): boolean {
    return !this.pg;
  }

  /**
   * Records refs as waiting (idempotent): a new ref is queued at `now`, one already waiting gets a new version. `trx`:
   * in the transaction of the change that causes the evaluation.
   */
  async add(entityRefs: Iterable<string>, now: number, trx?: Knex.Transaction): Promise<void> {
    // sorted: concurrent upserts from several instances lock rows in one order (no deadlock)
    const refs = [...new Set(entityRefs)].sort();
    for (const part of chunk(refs, MAX_ROWS_PER_INSERT)) {
      await (trx ?? this.knex)(TABLE)
        .insert(part.map(ref => ({ entity_ref: ref, queued_at: now, version: 0 })))
        .onConflict('entity_ref')
        .merge({ version: this.knex.raw('?? + 1', [`${TABLE}.version`]) });
    }
  }

  /**
   * Claims the rows of `entityRefs` that no other instance holds (unclaimed, their lease run out, or `owner`'s own)
   * until `now + leaseMs`; returns the claimed refs with the version claimed. Refs without a row are not returned:
   * an evaluation that began after they were queued already saved them.
   */
  async claim(entityRefs: readonly string[], owner: string, now: number, leaseMs: number): Promise<Map<string, number>> {
    const claimed = new Map<string, number>();
    for (const part of chunk([...new Set(entityRefs)], REFS_PER_STATEMENT)) {
      await this.knex.transaction(async tx => {
        let query = tx(TABLE)
          .select('entity_ref', 'version')
          .whereIn('entity_ref', part)
          .where(q => q.whereNull('claimed_until').orWhere('claimed_until', '<', now).orWhere('claimed_by', owner));
        if (this.pg) query = query.forUpdate().skipLocked();
        const rows = (await query) as Array<{ entity_ref: string; version: unknown }>;
        if (rows.length === 0) return;
        await tx(TABLE)
          .whereIn(
            'entity_ref',
            rows.map(r => r.entity_ref),
          )
          .update({ claimed_by: owner, claimed_until: now + leaseMs });
        for (const row of rows) claimed.set(row.entity_ref, toMillis(row.version));
      });
    }
    return claimed;
  }

  /**
   * The claimed refs were evaluated and saved: their rows are deleted if still at the version claimed. The refs queued
   * again meanwhile (a newer version) are released and returned, to be evaluated again.
   */
  async complete(claims: ReadonlyMap<string, number>, owner: string): Promise<string[]> {
    const again: string[] = [];
    for (const part of chunk([...claims], REFS_PER_STATEMENT)) {
      // one statement per part whatever the versions: rows still at the (ref, version) claimed
      await this.knex(TABLE).whereIn(['entity_ref', 'version'], part).delete();
      const released = (await this.knex(TABLE)
        .whereIn(
          'entity_ref',
          part.map(([ref]) => ref),
        )
        .where({ claimed_by: owner })
        .update({ claimed_by: null, claimed_until: null })
        .returning('entity_ref')) as Array<{ entity_ref: string }>;
      again.push(...released.map(r => r.entity_ref));
    }
    return again;
  }

  /** Frees every row `owner` holds (a graceful stop): the other instances, or the next process, take them at once. */
  async releaseAll(owner: string): Promise<void> {
    await this.knex(TABLE).where({ claimed_by: owner }).update({ claimed_by: null, claimed_until: null });
  }

  /**
   * The refs waiting that no instance holds (unclaimed or their lease run out; every row with `includeClaimed`), first
   * queued first; `queuedBefore`: only those first queued before then (a live instance is still on its fresh ones).
   */
  async waiting(now: number, options: { includeClaimed?: boolean; queuedBefore?: number } = {}): Promise<string[]> {
    let query = this.knex(TABLE).select('entity_ref').orderBy('queued_at').orderBy('entity_ref');
    if (!options.includeClaimed) query = query.where(q => q.whereNull('claimed_until').orWhere('claimed_until', '<', now));
    if (options.queuedBefore !== undefined) query = query.where('queued_at', '<', options.queuedBefore);
    return ((await query) as Array<{ entity_ref: string }>).map(r => r.entity_ref);
  }

  /** Rows waiting, claimed or not. */
  async count(): Promise<number> {
    const [row] = (await this.knex(TABLE).count({ n: '*' })) as Array<{ n: unknown }>;
    return toMillis(row?.n ?? 0);
  }
}
