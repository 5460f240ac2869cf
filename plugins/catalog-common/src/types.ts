import type { CompoundEntityRef, Entity } from '@portico/catalog-model';
import type { SerializedError } from '@portico/errors';

// Request and response shapes of the catalog API. They mirror @backstage/catalog-client, so code
// written against Backstage's client compiles against ours; the last section holds Portico's additions.

/** Pass as a filter value to match entities that have the field at all (`filter=metadata.annotations.x`). */
export const CATALOG_FILTER_EXISTS: unique symbol = Symbol.for('CATALOG_FILTER_EXISTS') as never;

/**
 * Filters: keys in one object are ANDed, an array value means any of (IN), an array of objects is ORed.
 * `{ kind: 'component', 'spec.type': ['service', 'website'] }` → `filter=kind=component,spec.type=service,spec.type=website`.
 */
export type EntityFilterQuery =
  | Record<string, string | symbol | Array<string | symbol>>
  | Array<Record<string, string | symbol | Array<string | symbol>>>;

/** Dotted field paths to return, e.g. `['kind', 'metadata.name']`. */
export type EntityFieldsQuery = string[];

export interface EntityOrder {
  field: string;
  order: 'asc' | 'desc';
}
export type EntityOrderQuery = EntityOrder | EntityOrder[];

/** Per-call options; `token` is sent as `Authorization: Bearer <token>`. */
export interface CatalogRequestOptions {
  token?: string;
}

export interface GetEntitiesRequest {
  filter?: EntityFilterQuery;
  fields?: EntityFieldsQuery;
  order?: EntityOrderQuery;
  offset?: number;
  limit?: number;
  /** Opaque cursor from a previous call (legacy pagination). */
  after?: string;
}
export interface GetEntitiesResponse {
  items: Entity[];
}

export interface GetEntitiesByRefsRequest {
  entityRefs: string[];
  fields?: EntityFieldsQuery;
  filter?: EntityFilterQuery;
}
/** `items[i]` is the entity for `entityRefs[i]`, or null when it does not exist (or is filtered out). */
export interface GetEntitiesByRefsResponse {
  items: Array<Entity | null>;
}

export interface GetEntityAncestorsRequest {
  entityRef: string;
}
export interface GetEntityAncestorsResponse {
  rootEntityRef: string;
  items: Array<{ entity: Entity; parentEntityRefs: string[] }>;
}

export interface GetEntityFacetsRequest {
  /** Dotted paths, e.g. `kind`, `spec.type`, `metadata.tags`, `relations.ownedBy`. */
  facets: string[];
  filter?: EntityFilterQuery;
}
export interface GetEntityFacetsResponse {
  facets: Record<string, Array<{ value: string; count: number }>>;
}

/** The first page of a by-query listing. */
export interface QueryEntitiesInitialRequest {
  fields?: EntityFieldsQuery;
  limit?: number;
  offset?: number;
  filter?: EntityFilterQuery;
  orderFields?: EntityOrderQuery;
  fullTextFilter?: { term: string; fields?: string[] };
}
/** A following page: the cursor carries the filter and order of the first request. */
export interface QueryEntitiesCursorRequest {
  fields?: EntityFieldsQuery;
  limit?: number;
  cursor: string;
}
export type QueryEntitiesRequest = QueryEntitiesInitialRequest | QueryEntitiesCursorRequest;
export interface QueryEntitiesResponse {
  items: Entity[];
  totalItems: number;
  pageInfo: { nextCursor?: string; prevCursor?: string };
}

/** Where descriptor files are read from, e.g. `{ type: 'url', target: 'https://…/catalog-info.yaml' }`. */
export interface LocationSpec {
  type: string;
  target: string;
  /** `optional` locations may be missing without an error. */
  presence?: 'optional' | 'required';
}

/** A registered location. */
export interface Location {
  id: string;
  type: string;
  target: string;
}

export interface AddLocationRequest {
  /** `url` by default. */
  type?: string;
  target: string;
  /** Read and validate the target, report what would be added, store nothing. */
  dryRun?: boolean;
}
export interface AddLocationResponse {
  location: Location;
  /** The entities read from the target (on dry runs: what would be added). */
  entities: Entity[];
  /** Set on dry runs: whether the location is already registered. */
  exists?: boolean;
  /** Every problem met reading the target (unreadable files, malformed or refused documents, invalid entities). */
  errors?: LocationReadError[];
}

/** Where a problem is in its source file (absent parts could not be told, e.g. the file is gone). */
export interface ErrorSourcePosition {
  /** The file or URL (the location key without its `file:` or `url:` prefix). */
  file?: string;
  /** 1-based line of the offending field; the document's start when the field is missing. */
  line?: number;
  /** Dotted path of the offending field, e.g. `spec.owner`. */
  field?: string;
  /** The text of that line, as written. */
  source?: string;
}

/** A problem met reading a location, as `POST /locations` answers it. */
export interface LocationReadError extends ErrorSourcePosition {
  entityRef?: string;
  locationKey: string;
  reason: EntityErrorReason;
  message: string;
}

export interface GetLocationsResponse {
  items: Location[];
}

export type ValidateEntityResponse = { valid: true } | { valid: false; errors: SerializedError[] };

// ---- Portico additions ----------------------------------------------------------------------------

/** One field that changed between two versions of an entity (paths are dotted, e.g. `spec.owner`). */
export interface EntityChange {
  op: 'add' | 'remove' | 'replace';
  path: string;
  before?: unknown;
  after?: unknown;
}

/** One recorded change of an entity: `GET /entities/by-name/:kind/:namespace/:name/history`. */
export interface EntityHistoryEntry {
  /** Unique, increasing id of the entry. */
  id: string;
  entityRef: string;
  action: 'created' | 'updated' | 'deleted';
  /** ISO-8601 time of the committed change. */
  changedAt: string;
  /** What made the change: a location key (`file:/…`, `url:https://…`) or a provider name. */
  source?: string;
  /** The entity's etag after the change (absent for deletions). */
  etag?: string;
  /** Field-level diff against the previous version (empty for creations and deletions). */
  changes: EntityChange[];
}
export interface GetEntityHistoryRequest {
  /** Newest first; at most this many entries. */
  limit?: number;
}
export interface GetEntityHistoryResponse {
  items: EntityHistoryEntry[];
}

/** Why an entity or a file could not be ingested. */
export type EntityErrorReason = 'validation' | 'parse' | 'read' | 'conflict' | 'policy';

/** A recorded ingestion problem: `GET /entities/errors`. The last good version of the entity stays served. */
export interface EntityError extends ErrorSourcePosition {
  /** The ref, when the document got far enough to have one. */
  entityRef?: string;
  /** The location (or provider) the problem came from, e.g. `file:/srv/catalog/team-a.yaml`. */
  locationKey: string;
  reason: EntityErrorReason;
  /** Names the field, e.g. `metadata.name: "a b" is not a valid entity name: …`. */
  message: string;
  /** ISO-8601 time the problem was (last) seen. */
  occurredAt: string;
}
export interface GetEntityErrorsRequest {
  entityRef?: string;
  locationKey?: string;
}
export interface GetEntityErrorsResponse {
  items: EntityError[];
}

/** One hit of `GET /search?term=`, best first. */
export interface SearchResult {
  entityRef: string;
  entity: Entity;
  /** Higher is more relevant; only comparable within one response. */
  rank: number;
  /** A short excerpt around the match, when the engine provides one. */
  snippet?: string;
}
export interface SearchEntitiesRequest {
  term: string;
  limit?: number;
  /** Restricts hits to these kinds (case-insensitive). */
  kind?: string | string[];
}
export interface SearchEntitiesResponse {
  items: SearchResult[];
}

/** A ref given as a string (`kind:namespace/name`) or as its parts. */
export type EntityRefLike = string | CompoundEntityRef;
