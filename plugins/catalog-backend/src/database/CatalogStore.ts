import type { Knex } from 'knex';
import type { ParsedEntityFilter } from '@portico/plugin-catalog-common';
import { dialectFor, type CatalogDialect, type Engine } from './CatalogDialect';
import type {
  BatchResult, BatchSession, BatchWrite, EntityRow, ErrorRecord, HistoryWrite, LocationRecord, QueriedEntity, QueryPage,
} from './catalogRecords';
import { EntityReads } from './EntityReads';
import { EntityWriter } from './EntityWriter';
import { ErrorStore } from './ErrorStore';
import { FullTextSearch, type FullTextHit } from './FullTextSearch';
import { ChangeOutbox, type OutboxRecord } from './ChangeOutbox';
import { GenerationCache, pgChangeMarker, pgSharedValues } from './GenerationCache';
import { HistoryStore } from './HistoryStore';
import { LocationStore } from './LocationStore';
import type { EntityPermissionCriteria, FullTextFilter } from './QueryCompiler';
import type { RelationsIndexState } from './RelationsIndexState';
import { Stitcher } from './Stitcher';

export { COLUMN_KEYS } from './catalogRecords';
export type { EntityPermissionCriteria } from './QueryCompiler';
export type {
  BatchResult, BatchSession, BatchWrite, EntityRow, EntityWrite, ErrorRecord, HistoryWrite, LocationRecord, QueriedEntity,
  QueryPage, RelationRow, SearchRow,
} from './catalogRecords';

/**
 * The catalog's storage, one door to its rooms: writes and bulk load (`EntityWriter`), stitching
 * (`Stitcher`), entity reads over the query compiler (`EntityReads`, `QueryCompiler`), full-text
 * search, history, errors and locations; engine differences live in its `CatalogDialect`. No business
 * rules: callers decide what to write.
 */
export class CatalogStore {
  readonly engine: Engine;
  private readonly dialect: CatalogDialect;
  private readonly cache: GenerationCache;
  private readonly writer: EntityWriter;
  private readonly reads: EntityReads;
  private readonly fullText: FullTextSearch;
  private readonly history: HistoryStore;
  private readonly errors: ErrorStore;
  private readonly locations: LocationStore;
  private readonly outbox: ChangeOutbox;

  /**
   * `sqliteThreadMin`: on a SQLite file, a write session touching at least this many entities builds
   * indexes and stitches on a thread of its own (default 5,000: from about half a second of such work,
   * answering reads meanwhile is worth the thread's start; reads build the relations of rows not yet
   * stitched from the relations index, built first). `countsMaxStalenessMs`: how long a count or facet that was slow to
   * compute may be served past later writes while it is recomputed (see GenerationCache; default 0, always current).
   * `chunkSize`: entities per transaction of a first load (default 2,000); `writeChunkSize`: of any other write
   * (default 100: SQLite's one writer and the event loop are free again after each).
   */
  constructor(
    private readonly knex: Knex,
    options?: { chunkSize?: number; writeChunkSize?: number; sqliteThreadMin?: number; countsMaxStalenessMs?: number },
  ) {
    this.dialect = dialectFor(knex);
    this.engine = this.dialect.engine;
    const chunkSize = options?.chunkSize ?? 2000;
    // several instances may share a PostgreSQL database: a write on any of them empties every cache
    const poolMax = (knex.client as { config?: { pool?: { max?: number } } }).config?.pool?.max ?? 5;
    this.cache = new GenerationCache(this.dialect.engine === 'pg' ? pgChangeMarker(knex) : undefined, {
      maxStalenessMs: options?.countsMaxStalenessMs,
      // counts and facets take at most half the pool; by-name and page reads keep the rest
      concurrency: this.dialect.engine === 'pg' ? Math.floor(poolMax / 2) : undefined,
      // slow ones are computed by one instance at a time and read by the others
      shared: this.dialect.engine === 'pg' ? pgSharedValues(knex) : undefined,
    });
    const relationsIndex: RelationsIndexState = { indexed: true };
    const stitcher = new Stitcher(knex, this.dialect, this.cache, chunkSize);
    this.outbox = new ChangeOutbox(knex);
    this.writer = new EntityWriter(knex, this.dialect, this.cache, relationsIndex, stitcher, this.outbox, {
      chunkSize,
      writeChunkSize: options?.writeChunkSize,
      sqliteThreadMin: options?.sqliteThreadMin,
    });
    this.reads = new EntityReads(knex, this.dialect, this.cache, relationsIndex);
    this.fullText = new FullTextSearch(knex, this.dialect);
    this.history = new HistoryStore(knex);
    this.errors = new ErrorStore(knex, this.dialect);
    this.locations = new LocationStore(knex);
  }

  /** Bumped on every committed write; caches of counts and facets key on it. */
  getGeneration(): number {
    return this.cache.getGeneration();
  }

  // ---------------------------------------------------------------- writes (EntityWriter)

  /** Writes a batch and makes it fully served (relations stitched) before returning. */
  async writeBatch(batch: BatchWrite): Promise<BatchResult> {
    const session = this.openBatch();
    const result = await session.write(batch);
    const { restitched } = await session.finish();
    return { ...result, restitched, outboxIds: session.outboxIds };
  }

  /** Changes committed but not yet published (a process that died between the two), oldest first. */
  undeliveredChanges(limit: number, before?: number): Promise<OutboxRecord[]> {
    return this.outbox.undelivered(limit, before);
  }

  /** The changes of these outbox rows were published. */
  markChangesDelivered(ids: readonly number[]): Promise<void> {
    return this.outbox.markDelivered(ids);
  }

  /**
   * A write session: `write` may be called many times (a provider's mutation streamed in chunks),
   * each chunk committed in its own transaction and visible at once; `finish` rebuilds what a bulk
   * load dropped and stitches the served relations of everything the session touched, once.
   */
  openBatch(): BatchSession {
    return this.writer.openBatch();
  }

  /** Repairs what an interrupted bulk load may have left (call once at startup). */
  ensureIndexes(): Promise<void> {
    return this.writer.ensureIndexes();
  }

  /** Ends the store's own threads (SQLite's read thread); reads then run on the knex pool only. */
  async close(): Promise<void> {
    await this.dialect.close?.();
  }

  /** Refreshes the planner's statistics of the catalog tables (sampled, so cheap even on large catalogs). */
  analyze(): Promise<void> {
    return this.dialect.analyze(this.knex);
  }

  // ---------------------------------------------------------------- entity reads (EntityReads)

  listProviderEntities(provider: string): Promise<Array<{ id: string; entityRef: string; hash: string; locationKey: string | null }>> {
    return this.reads.listProviderEntities(provider);
  }

  getRowsByRefs(refs: string[]): Promise<EntityRow[]> {
    return this.reads.getRowsByRefs(refs);
  }

  getOwnersByRefs(refs: string[]): Promise<Map<string, { id: string; provider: string; locationKey: string | null; hash: string }>> {
    return this.reads.getOwnersByRefs(refs);
  }

  rowsWithBodyContaining(needles: string[]): Promise<Array<{ id: string; entityRef: string; body: string }>> {
    return this.reads.rowsWithBodyContaining(needles);
  }

  getRowByUid(uid: string): Promise<EntityRow | undefined> {
    return this.reads.getRowByUid(uid);
  }

  getRowByRef(ref: string): Promise<EntityRow | undefined> {
    return this.reads.getRowByRef(ref);
  }

  servedRelationsOf(refs: string[]): Promise<Map<string, string>> {
    return this.reads.servedRelationsOf(refs);
  }

  getSourcesOf(type: string, targetRef: string): Promise<string[]> {
    return this.reads.getSourcesOf(type, targetRef);
  }

  queryEntities(q: QueryPage): Promise<{ rows: QueriedEntity[]; hasMore: boolean }> {
    return this.reads.queryEntities(q);
  }

  countEntities(filter?: ParsedEntityFilter, fullText?: FullTextFilter, permission?: EntityPermissionCriteria): Promise<number> {
    return this.reads.countEntities(filter, fullText, permission);
  }

  facet(key: string, filter?: ParsedEntityFilter, permission?: EntityPermissionCriteria): Promise<Array<{ value: string; count: number }>> {
    return this.reads.facet(key, filter, permission);
  }

  // ---------------------------------------------------------------- full text, history, errors, locations

  searchText(term: string, limit: number, options?: { filter?: ParsedEntityFilter; permission?: EntityPermissionCriteria }): Promise<FullTextHit[]> {
    return this.fullText.searchText(term, limit, options);
  }

  getHistory(entityRef: string, limit: number): Promise<Array<HistoryWrite & { id: number }>> {
    return this.history.getHistory(entityRef, limit);
  }

  listErrors(options?: { provider?: string; locationKeys?: string[]; entityRef?: string }): Promise<ErrorRecord[]> {
    return this.errors.listErrors(options);
  }

  /** Replaces the errors of a provider (optionally only of some types or location keys). */
  replaceErrors(
    scope: { provider: string; types: ErrorRecord['type'][]; locationKeys?: string[]; entityRefs?: string[] },
    errors: ErrorRecord[],
  ): Promise<void> {
    return this.errors.replaceErrors(scope, errors);
  }

  deleteErrorsOfProvider(provider: string): Promise<void> {
    return this.errors.deleteErrorsOfProvider(provider);
  }

  listLocations(): Promise<LocationRecord[]> {
    return this.locations.listLocations();
  }

  insertLocation(l: LocationRecord): Promise<void> {
    return this.locations.insertLocation(l);
  }

  deleteLocation(id: string): Promise<boolean> {
    return this.locations.deleteLocation(id);
  }
}
