import type { Knex } from 'knex';
import type { BulkColumn, CatalogDialect } from './CatalogDialect';
import { yieldToEventLoop } from '../yieldToEventLoop';
import type { BatchResult, BatchSession, BatchWrite, BatchWriteOptions } from './catalogRecords';
import type { ChangeOutbox } from './ChangeOutbox';
import type { GenerationCache } from './GenerationCache';
import { createDerivedIndexes, derivedIndexStatements, dropDerivedIndexes } from './migrations';
import type { RelationsIndexState } from './RelationsIndexState';
import { searchTokens } from './searchTokens';
import { selectWhereIn } from './selectWhereIn';
import { SOURCE_INDEX, sqliteStitchSql } from './SqliteDialect';
import { runOnSqliteThread, type SqlPlan } from './sqliteThread';
import type { Stitcher } from './Stitcher';

const ENTITY_COLUMNS: BulkColumn[] = [
  { name: 'eid', pgType: 'bigint' },
  { name: 'id', pgType: 'text' },
  { name: 'entity_ref', pgType: 'text' },
  { name: 'kind', pgType: 'text' },
  { name: 'namespace', pgType: 'text' },
  { name: 'name', pgType: 'text' },
  { name: 'provider', pgType: 'text' },
  { name: 'location_key', pgType: 'text' },
  { name: 'hash', pgType: 'text' },
  { name: 'etag', pgType: 'text' },
  { name: 'body', pgType: 'text' },
  { name: 'created_at', pgType: 'bigint' },
  { name: 'updated_at', pgType: 'bigint' },
];
const RELATION_COLUMNS: BulkColumn[] = [
  { name: 'originating_id', pgType: 'bigint' },
  { name: 'source_ref', pgType: 'text' },
  { name: 'type', pgType: 'text' },
  { name: 'type_key', pgType: 'text' },
  { name: 'target_ref', pgType: 'text' },
];
const SEARCH_COLUMNS: BulkColumn[] = [
  { name: 'entity_id', pgType: 'bigint' },
  { name: 'key', pgType: 'text' },
  { name: 'value', pgType: 'text' },
  { name: 'original_value', pgType: 'text' },
];
const HISTORY_COLUMNS: BulkColumn[] = [
  { name: 'entity_ref', pgType: 'text' },
  { name: 'at', pgType: 'bigint' },
  { name: 'action', pgType: 'text' },
  { name: 'source', pgType: 'text' },
  { name: 'diff', pgType: 'text' },
];

const THREAD_MIN = 5_000;
/**
 * A large new source into a small catalog loads as a first load does (see `openBatch`) from its BULK_MIN-th entity on,
 * when the catalog held at most BULK_SMALL_CATALOG entities as it began. The portal's own examples are read before the
 * generated 10,000-entity location of bench/catalog --portal; loading it row by row with every index in place took
 * twice as long as into an empty catalog. Rebuilding the indexes over a few thousand rows more costs little.
 */
const BULK_MIN = 1_000;
const BULK_SMALL_CATALOG = 5_000;
/**
 * Entities per transaction of a write that is not a first load. better-sqlite3 runs a transaction's statements
 * synchronously and SQLite has one writer: a 2,000-entity transaction held the event loop for about a second on
 * a 30,000-entity catalog, and every read (one connection) and write waited for it; 250 still held it for 0.3-0.5 s
 * on a loaded machine. Each commit costs a little more than its share (index pages written per transaction).
 */
const WRITE_CHUNK = 100;
/** Refs per transaction when stitching after a write that is not a first load (on the thread or not). */
const STITCH_CHUNK = 500;
/**
 * Transactions per run of a thread when stitching after a write that is not a first load: between runs the
 * session's `between` lets other writes commit on the main connection (during a run they would wait for SQLite's
 * write lock, blocking the event loop, and fail after its busy timeout if the thread kept it that long).
 */
const THREAD_PART = 8;
const ANALYZE_MIN = 1000;
/** SQLite's default: checkpoint the WAL once it holds this many pages. */
const WAL_AUTOCHECKPOINT = 1000;
/** A first load of fewer entities leaves a WAL of a few MB: not worth a thread to copy it. */
const CHECKPOINT_THREAD_MIN = 1000;
/**
 * Copies a first load from the WAL into the file: PASSIVE does the bulk of it without blocking
 * anyone; TRUNCATE then copies what came since and empties the WAL (holding writers back only for
 * that), so reads stop consulting a WAL the size of the catalog and the file does not stay behind.
 */
const CHECKPOINT = [{ sql: 'PRAGMA wal_checkpoint(PASSIVE)' }, { sql: 'PRAGMA wal_checkpoint(TRUNCATE)' }];

/**
 * Writes of entities (rows, relations, search rows, full text, history) in write sessions, and the
 * bulk load of an empty catalog: derived indexes dropped and rebuilt once, and on a SQLite file the
 * end of a large session run on a thread of its own (see `sqliteThread.ts`).
 */
export class EntityWriter {
  constructor(
    private readonly knex: Knex,
    private readonly dialect: CatalogDialect,
    private readonly cache: GenerationCache,
    private readonly relationsIndex: RelationsIndexState,
    private readonly stitcher: Stitcher,
    private readonly outbox: ChangeOutbox,
    private readonly options: { chunkSize: number; sqliteThreadMin?: number; writeChunkSize?: number },
  ) {}

  private get chunkSize(): number {
    return this.options.chunkSize;
  }

  /** Entities per transaction outside a first load. */
  private get writeChunkSize(): number {
    return Math.min(this.options.writeChunkSize ?? WRITE_CHUNK, this.chunkSize);
  }

  /** How many entities a write session must touch before its end runs on a thread. */
  private get threadMin(): number {
    return this.options.sqliteThreadMin ?? THREAD_MIN;
  }

  /** See `CatalogStore.openBatch`. */
  openBatch(): BatchSession {
    const sqliteFile = this.dialect.sqliteFile;
    let bulk: boolean | undefined;
    /** The catalog held nothing when this session began: none of its rows was there before. */
    let intoEmpty = false;
    /** The catalog held at most BULK_SMALL_CATALOG entities when this session of a new source began. */
    let smallAtStart = false;
    const startBulk = async () => {
      await dropDerivedIndexes(this.knex);
      this.relationsIndex.indexed = false;
      // A first load writes every page once: checkpointing the WAL every 4 MB on the way would copy
      // each page twice and sync the file each time; one checkpoint at the end does it once.
      if (sqliteFile) await this.walAutocheckpoint(0);
    };
    let total = 0;
    let finished = false;
    const affected = new Set<string>();
    const relationsChanged = new Set<string>();
    const outboxIds: number[] = [];
    return {
      get firstLoad() {
        return bulk === true;
      },
      outboxIds,
      write: async (batch: BatchWrite, options?: BatchWriteOptions): Promise<BatchResult> => {
        if (finished) throw new Error('catalog write session already finished');
        const skipped: string[] = [];
        if (batch.upserts.length + batch.deletes.length + batch.history.length === 0) return { skipped };
        if (bulk === undefined) {
          // A first load into an empty catalog builds the derived indexes once, at the end (several
          // times faster than maintaining them row by row; the first chunk says nothing of the total).
          intoEmpty = batch.upserts.length > 0 && !(await this.knex('catalog_entities').select('eid').first());
          bulk = intoEmpty;
          smallAtStart = !intoEmpty && !!options?.newSource && (await this.catalogIsSmall());
          if (bulk) await startBulk();
        } else if (!bulk && smallAtStart && options?.newSource && total + batch.upserts.length >= BULK_MIN) {
          // So does a new source into a small catalog once it has written BULK_MIN entities (a location's first chunk
          // is small, so that writing starts early): what was written so far is indexed again with the rest.
          bulk = true;
          await startBulk();
        }
        total += batch.upserts.length + batch.deletes.length;
        const chunks = splitBatch(batch, bulk ? this.chunkSize : this.writeChunkSize);
        try {
          for (const [i, chunk] of chunks.entries()) {
            // a first load holds on (the derived indexes are dropped until its end); any other write gives way
            if (i > 0 && !bulk) await (options?.between ? options.between() : yieldToEventLoop());
            const outboxId = await this.knex.transaction(trx => this.writeChunk(trx, chunk, affected, skipped, bulk === true, relationsChanged));
            if (outboxId !== undefined) outboxIds.push(outboxId);
            await this.cache.bump();
          }
        } catch (error) {
          if (bulk) {
            await createDerivedIndexes(this.knex);
            this.relationsIndex.indexed = true;
          }
          if (bulk && sqliteFile) await this.walAutocheckpoint(WAL_AUTOCHECKPOINT);
          bulk = false;
          throw error;
        }
        return { skipped };
      },
      finish: async options => {
        if (finished || bulk === undefined) {
          finished = true;
          return { restitched: [] }; // nothing was written
        }
        finished = true;
        const refs = [...affected];
        // a first load's entities are all new: none was there to change (a bulk load into a small catalog may have
        // added relations to the entities that were there: they are among relationsChanged)
        const restitched = { restitched: intoEmpty ? [] : [...relationsChanged] };
        const checkpoint = bulk && !!sqliteFile;
        // stitching after any other write lets other writes in between its parts (see BatchFinishOptions)
        const between = bulk ? undefined : options?.between;
        if (sqliteFile && refs.length >= this.threadMin) {
          // Index builds and stitching a large load take seconds of synchronous SQLite work: run them on
          // a thread of their own, the API answering from this connection meanwhile (right answers,
          // relations read from the relations table until stitched).
          const plan = this.finishPlan(bulk, refs, total >= ANALYZE_MIN);
          if (checkpoint) plan.push(...CHECKPOINT);
          try {
            const parts = between ? splitPlan(plan, THREAD_PART) : [plan];
            for (const [i, part] of parts.entries()) {
              if (i > 0) await between!();
              await runOnSqliteThread(sqliteFile, part, step => {
                const item = part[step];
                if (!Array.isArray(item) && item.sql.includes(SOURCE_INDEX)) this.relationsIndex.indexed = true;
              });
            }
          } finally {
            if (checkpoint) await this.walAutocheckpoint(WAL_AUTOCHECKPOINT);
            await this.cache.bump();
          }
          return restitched;
        }
        try {
          if (bulk) await createDerivedIndexes(this.knex, { parallel: this.dialect.indexBuildParallelism(this.knex) });
          this.relationsIndex.indexed = true;
        } finally {
          await this.cache.bump();
        }
        // a bulk load wrote every entity there is: the dialect may stitch the whole table in one pass
        await this.stitcher.stitch(refs, { wholeTable: bulk, chunkSize: bulk ? undefined : STITCH_CHUNK, between });
        // fresh statistics let the planner start selective filters (spec.owner=x) from the search index
        if (total >= ANALYZE_MIN) await this.dialect.analyze(this.knex);
        await this.cache.bump();
        if (checkpoint) {
          await this.walAutocheckpoint(WAL_AUTOCHECKPOINT);
          // copying a large load from the WAL into the file holds a connection for a while: not this one
          // (a small one, such as the example organisation at start-up, is left to the next commit)
          if (total >= CHECKPOINT_THREAD_MIN) await runOnSqliteThread(sqliteFile!, CHECKPOINT);
        }
        return restitched;
      },
    };
  }

  /** Whether the catalog holds at most BULK_SMALL_CATALOG entities (reads at most that many index entries). */
  private async catalogIsSmall(): Promise<boolean> {
    return !(await this.knex('catalog_entities').select('eid').orderBy('eid').offset(BULK_SMALL_CATALOG).limit(1).first());
  }

  /** Repairs what an interrupted bulk load may have left (call once at startup). */
  async ensureIndexes(): Promise<void> {
    await createDerivedIndexes(this.knex);
    this.relationsIndex.indexed = true;
    await this.dialect.analyze(this.knex);
  }

  /** How many WAL pages make SQLite checkpoint on commit (0: never) on the main connection. */
  private async walAutocheckpoint(pages: number): Promise<void> {
    await this.knex.raw(`PRAGMA wal_autocheckpoint = ${pages}`);
  }

  /** The end of a large write on a SQLite file, as statements for `runOnSqliteThread`. */
  private finishPlan(bulk: boolean, refs: string[], analyze: boolean): SqlPlan {
    const plan: SqlPlan = [];
    if (bulk) {
      // every index before stitching: once an entity is served stitched, its filters are fast too
      for (const sql of derivedIndexStatements('sqlite')) plan.push({ sql });
    }
    const STEP = 500;
    // each group is a transaction holding SQLite's one write lock: after a load, the main thread's writes wait for it
    const size = bulk ? this.chunkSize : Math.min(this.chunkSize, STITCH_CHUNK);
    for (let i = 0; i < refs.length; i += size) {
      const group = [];
      for (let j = i; j < Math.min(i + size, refs.length); j += STEP) {
        const params = refs.slice(j, Math.min(j + STEP, i + size, refs.length));
        group.push({ sql: sqliteStitchSql(params.length), params });
      }
      plan.push(group);
    }
    if (analyze) plan.push({ sql: 'PRAGMA analysis_limit = 400' }, { sql: 'ANALYZE' });
    return plan;
  }

  /**
   * One transaction of a batch. An entity row whose ref another writer inserted meanwhile (two
   * instances reading the same location at once) is not written; its ref is added to `skipped`.
   */
  private async writeChunk(
    trx: Knex.Transaction,
    batch: BatchWrite,
    affected: Set<string>,
    skipped: string[],
    firstLoad: boolean,
    relationsChanged: Set<string>,
  ): Promise<number | undefined> {
    const d = this.dialect;
    const ids = [...batch.upserts.map(u => u.row.id), ...batch.deletes.map(del => del.id)];
    // a first load's rows are all new (fresh uids): there is nothing to replace
    const old = firstLoad && batch.deletes.length === 0
      ? []
      : (await selectWhereIn<{ eid: number | string }>(trx, 'catalog_entities', ['eid'], 'id', ids)).map(r => Number(r.eid));
    // whoever the replaced relations pointed from must be stitched again
    const oldRelations = new Set<string>();
    if (old.length) {
      const rows = await selectWhereIn<{ source_ref: string; type: string; target_ref: string }>(
        trx, 'catalog_relations', ['source_ref', 'type', 'target_ref'], 'originating_id', old as unknown as string[],
      );
      for (const r of rows) {
        affected.add(r.source_ref);
        oldRelations.add(`${r.source_ref}\0${r.type}\0${r.target_ref}`);
      }
    }
    await d.deleteWhereIn(trx, 'catalog_relations', 'originating_id', old, 'bigint');
    await d.deleteWhereIn(trx, 'catalog_search', 'entity_id', old, 'bigint');
    await d.deleteWhereIn(trx, 'catalog_fts', d.ftsEntityColumn, old, 'bigint');
    await d.deleteWhereIn(trx, 'catalog_entities', 'eid', old, 'bigint');
    const eids = await d.allocateEids(trx, batch.upserts.length);
    const inserted = await d.insertMany(trx, 'catalog_entities', ENTITY_COLUMNS, batch.upserts.map((u, i) => [
      eids[i], u.row.id, u.row.entityRef, u.row.kind, u.namespace, u.name, u.row.provider, u.row.locationKey,
      u.row.hash, u.row.etag, u.row.body, u.row.createdAt, u.row.updatedAt,
    ]), { ignoreConflicts: true });
    const written = inserted === batch.upserts.length ? undefined : new Set(await this.insertedEids(trx, eids));
    const relations: unknown[][] = [];
    const search: unknown[][] = [];
    const fts: unknown[][] = [];
    batch.upserts.forEach((u, i) => {
      const eid = eids[i];
      if (written && !written.has(eid)) {
        skipped.push(u.row.entityRef);
        return;
      }
      affected.add(u.row.entityRef);
      for (const r of u.relations) {
        affected.add(r.sourceRef);
        // a relation that was not there before changes its source as stored (with none there before, as in a first
        // load, every one is new: no key to build)
        if (!oldRelations.size || !oldRelations.delete(`${r.sourceRef}\0${r.type}\0${r.targetRef}`)) relationsChanged.add(r.sourceRef);
        relations.push([eid, r.sourceRef, r.type, typeKeyOf(r.type), r.targetRef]);
      }
      for (const s of u.search) search.push([eid, s.key, s.value, s.originalValue]);
      // indexed as our own tokens, so both engines hold the same words (see searchTokens)
      fts.push([eid, searchTokens(u.document).join(' ')]);
    });
    // and so does one that is gone
    for (const key of oldRelations) relationsChanged.add(key.slice(0, key.indexOf('\0')));
    await d.insertMany(trx, 'catalog_relations', RELATION_COLUMNS, relations);
    await d.insertMany(trx, 'catalog_search', SEARCH_COLUMNS, search);
    await d.insertFts(trx, fts);
    const lost = new Set(skipped);
    const history = lost.size ? batch.history.filter(h => !lost.has(h.entityRef)) : batch.history;
    await d.insertMany(trx, 'catalog_history', HISTORY_COLUMNS, history.map(h => [h.entityRef, h.at, h.action, h.source, h.diff]));
    // the change event, committed with the change (published after, and again at start if the process died first)
    const upserted = batch.upserts.map(u => u.row.entityRef).filter(ref => !lost.has(ref));
    const removed = batch.deletes.map(del => del.entityRef);
    if (!upserted.length && !removed.length) return undefined;
    return this.outbox.record(trx, { upserted, removed }, Date.now());
  }

  /** Which of `eids` this transaction's entity insert actually wrote. */
  private async insertedEids(trx: Knex.Transaction, eids: number[]): Promise<number[]> {
    const rows = await selectWhereIn<{ eid: number | string }>(trx, 'catalog_entities', ['eid'], 'eid', eids as unknown as string[]);
    return rows.map(r => Number(r.eid));
  }
}

/** Relation types are few and camel-cased: lower-casing each of a load's relations anew allocated a string per row. */
const typeKeys = new Map<string, string>();
function typeKeyOf(type: string): string {
  let key = typeKeys.get(type);
  if (key === undefined) {
    key = type.toLowerCase();
    if (typeKeys.size < 1000) typeKeys.set(type, key);
  }
  return key;
}

/** A thread's plan as several, each of at most `size` items. */
function splitPlan(plan: SqlPlan, size: number): SqlPlan[] {
  const parts: SqlPlan[] = [];
  for (let i = 0; i < plan.length; i += size) parts.push(plan.slice(i, i + size));
  return parts;
}

/**
 * A batch as transactions of at most `size` entities, each with the history of its own entities (the rest, if
 * any, with the last).
 */
function splitBatch(batch: BatchWrite, size: number): BatchWrite[] {
  const chunks: BatchWrite[] = [];
  const chunkOf = new Map<string, number>();
  for (let i = 0; i < Math.max(batch.upserts.length, batch.deletes.length, 1); i += size) {
    const chunk: BatchWrite = { upserts: batch.upserts.slice(i, i + size), deletes: batch.deletes.slice(i, i + size), history: [] };
    for (const u of chunk.upserts) chunkOf.set(u.row.entityRef, chunks.length);
    for (const d of chunk.deletes) chunkOf.set(d.entityRef, chunks.length);
    chunks.push(chunk);
  }
  for (const h of batch.history) chunks[chunkOf.get(h.entityRef) ?? chunks.length - 1].history.push(h);
  return chunks;
}
