import type { FilterCondition, ParsedEntityFilter, SortField } from '@portico/plugin-catalog-common';
import type { PermissionCriteria } from '@portico/permission-common';

// The shapes the catalog store reads and writes: rows as stored, writes as sent, pages as queried.

/** An entity row as stored. `body` is the authored entity as JSON; uid, etag and relations are added when served. */
export interface EntityRow {
  id: string;
  entityRef: string;
  kind: string;
  provider: string;
  locationKey: string | null;
  hash: string;
  etag: string;
  body: string;
  /** Stitched relations JSON (`[{type,targetRef}]`), or null while a batch is being stitched. */
  relations?: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RelationRow {
  sourceRef: string;
  type: string;
  targetRef: string;
}

export interface SearchRow {
  key: string;
  value: string | null;
  /** The value as authored when it differs from the lower-cased `value`; null otherwise. */
  originalValue: string | null;
}

/** Everything written for one entity. */
export interface EntityWrite {
  row: EntityRow;
  namespace: string;
  name: string;
  relations: RelationRow[];
  search: SearchRow[];
  document: string;
}

export interface HistoryWrite {
  entityRef: string;
  action: 'created' | 'updated' | 'deleted';
  source: string | null;
  diff: string;
  at: number;
}

export interface ErrorRecord {
  id?: number;
  provider: string;
  locationKey: string | null;
  type: 'read' | 'parse' | 'policy' | 'validation' | 'conflict';
  entityRef: string | null;
  message: string;
  inputHash: string | null;
  at: number;
}

export interface LocationRecord {
  id: string;
  type: string;
  target: string;
  rules: string | null;
  createdAt: number;
}

export interface BatchWrite {
  upserts: EntityWrite[];
  /** Entities to remove (ids and refs). */
  deletes: Array<{ id: string; entityRef: string }>;
  history: HistoryWrite[];
}

/** What a write did not do: refs another writer inserted first (to be reported as conflicts). */
export interface BatchResult {
  skipped: string[];
  /** `writeBatch`: see `BatchSession.finish`. */
  restitched?: string[];
  /** `writeBatch`: see `BatchSession.outboxIds`. */
  outboxIds?: number[];
}

/** How a long write gives way to other work between its transactions. */
export interface BatchWriteOptions {
  /**
   * Awaited between two transactions of a write that is not a first load (default: a turn of the event loop), so
   * that requests are served and other writes may commit meanwhile: the ingestion lets the writes queued behind
   * it take their turn there (see IngestionService).
   */
  between?(): Promise<void>;
  /**
   * Every entity the session writes is new to its source: the full read of a provider that owns nothing yet. Such a
   * session into a small catalog loads as a first load does once it has written 1,000 entities (derived indexes built
   * once at the end, no lookups of existing rows; a ref another source holds is reported by the insert, not looked
   * up). Pass the same value to every write of the session.
   */
  newSource?: boolean;
}

/** How the end of a write session (stitching) lets other work in. */
export interface BatchFinishOptions {
  /**
   * Awaited between two parts of the stitching of a session that was not a first load (default: a turn of the
   * event loop). Stitching recomputes the served relations of the refs it names from the relations table, so
   * another write may commit in between: the ingestion gives its turn there to the writes waiting, instead of
   * holding it for the seconds a 20,000-entity location's stitching takes.
   */
  between?(): Promise<void>;
}

/** See `CatalogStore.openBatch`. */
export interface BatchSession {
  /**
   * Writes a batch in transactions of at most `writeChunkSize` entities (`chunkSize` in a first load), each with
   * the history and change-outbox row of its own entities, so a crash loses no committed change's event.
   */
  write(batch: BatchWrite, options?: BatchWriteOptions): Promise<BatchResult>;
  /**
   * Stitches what the session touched. `restitched`: the refs whose relations changed with the writes (a
   * relation added or dropped), written or at the other end of one (none after a first load into an empty catalog:
   * all is new).
   */
  finish(options?: BatchFinishOptions): Promise<{ restitched: string[] }>;
  /**
   * True once the first write has found the catalog empty, or a new source (`BatchWriteOptions.newSource`) has
   * written 1,000 entities into a small one: every row of this session is new (writes are serialised), so nothing needs
   * looking up before the next chunk; a ref another source holds, or another instance inserts meanwhile, is still
   * caught by its unique ref and reported as skipped.
   */
  readonly firstLoad: boolean;
  /** The change-outbox rows the session's transactions wrote: mark them delivered once the change is published. */
  readonly outboxIds: number[];
}

export interface QueryPage {
  filter?: ParsedEntityFilter;
  /** What the caller may read (a conditional permission decision in the filter language); see QueryCompiler. */
  permission?: PermissionCriteria<FilterCondition>;
  fullText?: { term: string; fields?: string[] };
  order: SortField[];
  /** Keyset: sort values of the row to continue after (or before when `direction` is 'prev'). */
  after?: { values: string[]; ref: string };
  direction?: 'next' | 'prev';
  limit: number;
  offset?: number;
}

export interface QueriedEntity {
  id: string;
  etag: string;
  entityRef: string;
  body: string;
  relations?: string | null;
  sortValues: string[];
}

/**
 * Keys that get no search rows: the entity row's own columns answer them (filters, sorting, facets and
 * full-text filters read them there), which saves three of the seventeen rows of a typical entity.
 */
export const COLUMN_KEYS: ReadonlySet<string> = new Set(['kind', 'metadata.name', 'metadata.namespace']);

/** Columns of catalog_entities that answer some keys without the search table. */
export const DIRECT_COLUMNS: Record<string, string> = {
  kind: 'e.kind',
  'metadata.name': 'e.name',
  'metadata.namespace': 'e.namespace',
  'metadata.uid': 'e.id',
};

export function toEntityRow(r: Record<string, unknown>): EntityRow {
  return {
    id: String(r.id),
    entityRef: String(r.entity_ref),
    kind: String(r.kind),
    provider: String(r.provider),
    locationKey: (r.location_key as string | null) ?? null,
    hash: String(r.hash),
    etag: String(r.etag),
    body: String(r.body),
    relations: (r.relations as string | null) ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}
