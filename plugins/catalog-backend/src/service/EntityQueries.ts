import { pathToFileURL } from 'node:url';
import { NotFoundError } from '@portico/errors';
import { ANNOTATION_LOCATION, type Entity } from '@portico/catalog-model';
import type { CatalogStore, EntityPermissionCriteria, EntityRow, ErrorRecord, QueriedEntity } from '../database/CatalogStore';
import { decodeCursor, encodeCursor, type QueryCursor } from './cursor';
import type { EntityChange } from './entityDiff';
import { projectFields, type ParsedEntityFilter, type SortField } from '@portico/plugin-catalog-common';
import { locationKeyOf, locationTargets, type UrlReader } from './locations/LocationReader';

export interface QueryEntitiesInput {
  filter?: ParsedEntityFilter;
  fields?: string[];
  order?: SortField[];
  fullText?: { term: string; fields?: string[] };
  limit: number;
  offset?: number;
  cursor?: string;
  skipTotal?: boolean;
  /** Only entities the caller may read (a conditional decision); never taken from the cursor. */
  permission?: EntityPermissionCriteria;
}

export interface QueryEntitiesOutput {
  /** Each item's JSON text. */
  items: string[];
  totalItems: number;
  pageInfo: { nextCursor?: string; prevCursor?: string };
}

/** Resolves a Location entity's target against the URL of its file, as the location reader does. */
export type TargetResolver = Pick<UrlReader, 'resolve'>;

const plainResolver: TargetResolver = { resolve: (base, url) => new URL(url, base).toString() };

/** The URL a location key (`file:/abs/path`, `url:https://…`) was read from; undefined for other keys. */
function urlOfLocationKey(key: string): string | undefined {
  if (key.startsWith('file:/')) return pathToFileURL(key.slice('file:'.length)).toString();
  if (key.startsWith('url:')) return key.slice('url:'.length);
  return undefined;
}

function managedByLocation(body: string): string | undefined {
  const value = (JSON.parse(body) as Entity).metadata?.annotations?.[ANNOTATION_LOCATION];
  return typeof value === 'string' && value ? value : undefined;
}

const LOCATION_PAGE = 5000;

function needsRelations(fields?: string[]): boolean {
  return !fields || fields.some(f => f === 'relations' || f.startsWith('relations.'));
}

/** Reads of the catalog: entities as served (authored + uid, etag, relations), facets, history, search. */
export class EntityQueries {
  /** `resolver` must resolve Location targets as the location reader did (the integrations' rules). */
  constructor(private readonly store: CatalogStore, private readonly resolver: TargetResolver = plainResolver) {}

  /** Turns stored rows into served entities, adding their relations in one query. */
  async assemble(rows: Array<Pick<QueriedEntity, 'id' | 'etag' | 'entityRef' | 'body' | 'relations'>>, fields?: string[]): Promise<Array<Partial<Entity>>> {
    const relations = needsRelations(fields) ? await this.relationsOf(rows) : undefined;
    return rows.map(r => {
      const entity = JSON.parse(r.body) as Entity;
      entity.metadata.uid = r.id;
      entity.metadata.etag = r.etag;
      if (relations) entity.relations = JSON.parse(relations.get(r.entityRef) ?? '[]');
      return projectFields(entity, fields);
    });
  }

  /** The relations JSON of each row: stitched on the row, or read from the relations table while a batch is being stitched. */
  private async relationsOf(rows: Array<Pick<QueriedEntity, 'entityRef' | 'relations'>>): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const r of rows) {
      if (typeof r.relations === 'string') out.set(r.entityRef, r.relations);
      else missing.push(r.entityRef);
    }
    if (missing.length) for (const [ref, json] of await this.store.servedRelationsOf(missing)) out.set(ref, json);
    return out;
  }

  /**
   * Served entities as JSON text. Without a `fields` projection the stored JSON is sent as it is with
   * the relations appended, so a page of entities is never parsed and re-serialised.
   */
  async assembleText(rows: Array<Pick<QueriedEntity, 'id' | 'etag' | 'entityRef' | 'body' | 'relations'>>, fields?: string[]): Promise<string[]> {
    if (fields && !fields.includes('relations')) return (await this.assemble(rows, fields)).map(e => JSON.stringify(e));
    const relations = await this.relationsOf(rows);
    if (fields) {
      // the stored relations JSON is spliced in as text, never parsed and re-serialised
      const rest = fields.filter(f => f !== 'relations' && !f.startsWith('relations.'));
      return rows.map(r => {
        let head = '{}';
        if (rest.length) {
          const entity = JSON.parse(r.body) as Entity;
          entity.metadata.uid = r.id;
          entity.metadata.etag = r.etag;
          head = JSON.stringify(projectFields(entity, rest));
        }
        return `${head === '{}' ? '{' : `${head.slice(0, -1)},`}"relations":${relations.get(r.entityRef)}}`;
      });
    }
    return rows.map(r => `${r.body.slice(0, -1)},"relations":${relations.get(r.entityRef)}}`);
  }

  async getByRefText(ref: string): Promise<string | undefined> {
    const row = await this.store.getRowByRef(ref.toLowerCase());
    return row ? (await this.assembleText([row]))[0] : undefined;
  }

  async getByRef(ref: string, fields?: string[]): Promise<Partial<Entity> | undefined> {
    const row = await this.store.getRowByRef(ref.toLowerCase());
    if (!row) return undefined;
    return (await this.assemble([row], fields))[0];
  }

  async getByUid(uid: string): Promise<Partial<Entity> | undefined> {
    const row = await this.store.getRowByUid(uid);
    if (!row) return undefined;
    return (await this.assemble([row]))[0];
  }

  /**
   * JSON text of each entity in the order asked, `null` for refs that do not exist, that the filter
   * excludes or that the caller may not read (`permission`).
   */
  async getByRefs(refs: string[], fields?: string[], filter?: ParsedEntityFilter, permission?: EntityPermissionCriteria): Promise<string[]> {
    const lower = refs.map(r => r.toLowerCase());
    let rows = await this.store.getRowsByRefs([...new Set(lower)]);
    if ((filter || permission) && rows.length) {
      const allowed = new Set<string>();
      // the filter and the permission narrow the answer: refs they exclude come back as null
      const byUid = { key: 'metadata.uid', values: rows.map(r => r.id) };
      const narrowed = filter ? { anyOf: filter.anyOf.map(g => ({ allOf: [...g.allOf, byUid] })) } : { anyOf: [{ allOf: [byUid] }] };
      const matching = await this.store.queryEntities({ filter: narrowed, permission, order: [], limit: rows.length });
      for (const m of matching.rows) allowed.add(m.entityRef);
      rows = rows.filter(r => allowed.has(r.entityRef));
    }
    const served = await this.assembleText(rows, fields);
    const byRef = new Map(rows.map((r, i) => [r.entityRef, served[i]]));
    return lower.map(r => byRef.get(r) ?? 'null');
  }

  /** GET /entities: offset/limit paging (or keyset with `after`), as a plain list. */
  async listEntities(input: {
    filter?: ParsedEntityFilter;
    fields?: string[];
    order?: SortField[];
    limit?: number;
    offset?: number;
    after?: string;
    permission?: EntityPermissionCriteria;
  }) {
    const order = input.order ?? [];
    const limit = input.limit ?? 1_000_000;
    let after: QueryCursor['after'] | undefined;
    if (input.after) after = decodeCursor(input.after).after;
    const page = await this.store.queryEntities({ filter: input.filter, permission: input.permission, order, limit, offset: input.offset, after });
    const items = await this.assembleText(page.rows, input.fields);
    const last = page.rows[page.rows.length - 1];
    const next = page.hasMore && last
      ? encodeCursor({ filter: input.filter, order, after: { values: last.sortValues, ref: last.entityRef }, direction: 'next' })
      : undefined;
    return { items, next };
  }

  /** GET /entities/by-query: keyset pagination with cursors in both directions. */
  async queryEntities(input: QueryEntitiesInput): Promise<QueryEntitiesOutput> {
    let q: { filter?: ParsedEntityFilter; fullText?: QueryEntitiesInput['fullText']; order: SortField[]; after?: QueryCursor['after']; direction: 'next' | 'prev'; totalItems?: number };
    if (input.cursor) {
      const c = decodeCursor(input.cursor);
      q = { filter: c.filter, fullText: c.fullText, order: c.order, after: c.after, direction: c.direction, totalItems: c.totalItems };
    } else {
      q = { filter: input.filter, fullText: input.fullText, order: input.order ?? [], direction: 'next' };
    }
    const [page, totalItems] = await Promise.all([
      this.store.queryEntities({
        filter: q.filter,
        fullText: q.fullText,
        permission: input.permission,
        order: q.order,
        after: q.after,
        direction: q.direction,
        limit: input.limit,
        offset: input.cursor ? undefined : input.offset,
      }),
      q.totalItems !== undefined ? q.totalItems : input.skipTotal ? 0 : this.store.countEntities(q.filter, q.fullText, input.permission),
    ]);
    const items = await this.assembleText(page.rows, input.fields);
    const first = page.rows[0];
    const last = page.rows[page.rows.length - 1];
    const base = { filter: q.filter, fullText: q.fullText, order: q.order, totalItems };
    const pageInfo: QueryEntitiesOutput['pageInfo'] = {};
    const moreForward = q.direction === 'next' ? page.hasMore : q.after !== undefined;
    const moreBackward = q.direction === 'prev' ? page.hasMore : q.after !== undefined || (input.offset ?? 0) > 0;
    if (last && moreForward) pageInfo.nextCursor = encodeCursor({ ...base, after: { values: last.sortValues, ref: last.entityRef }, direction: 'next' });
    if (first && moreBackward) pageInfo.prevCursor = encodeCursor({ ...base, after: { values: first.sortValues, ref: first.entityRef }, direction: 'prev' });
    return { items, totalItems, pageInfo };
  }

  async facets(keys: string[], filter?: ParsedEntityFilter, permission?: EntityPermissionCriteria): Promise<Record<string, Array<{ value: string; count: number }>>> {
    const out: Record<string, Array<{ value: string; count: number }>> = {};
    for (const key of keys) out[key] = await this.store.facet(key.toLowerCase(), filter, permission);
    return out;
  }

  /**
   * The entity and the Location entities that led to it, as Backstage's ancestry: each item's parents are
   * the Location entities whose target, resolved against their own file, is the file the item was read
   * from (its `backstage.io/managed-by-location`); then those Locations' parents, and so on, each entity
   * once. Items come in Backstage's order: the entity first, then depth-first. Entities not read from a
   * file (provider-emitted) and those of a root file have no parents.
   */
  async ancestry(ref: string): Promise<{ rootEntityRef: string; items: Array<{ entity: Partial<Entity>; parentEntityRefs: string[] }> }> {
    const rootEntityRef = ref.toLowerCase();
    const root = await this.store.getRowByRef(rootEntityRef);
    if (!root) throw new NotFoundError(`No entity named '${ref}' found`);
    const { rows, parentsOf } = await this.locationsByTarget();
    rows.set(rootEntityRef, root);
    const visited: Array<{ row: Pick<EntityRow, 'id' | 'etag' | 'entityRef' | 'body' | 'relations'>; parentEntityRefs: string[] }> = [];
    const seen = new Set([rootEntityRef]);
    const todo = [rootEntityRef];
    while (todo.length) {
      const row = rows.get(todo.pop()!)!;
      const key = managedByLocation(row.body);
      const parentEntityRefs = (key && parentsOf.get(key)) || [];
      for (const parent of parentEntityRefs) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        todo.push(parent);
      }
      visited.push({ row, parentEntityRefs });
    }
    const entities = await this.assemble(visited.map(v => v.row));
    return { rootEntityRef, items: visited.map((v, i) => ({ entity: entities[i], parentEntityRefs: v.parentEntityRefs })) };
  }

  /** Every Location entity, and which of them point at each file (by location key, refs sorted). */
  private async locationsByTarget() {
    const rows = new Map<string, Pick<EntityRow, 'id' | 'etag' | 'entityRef' | 'body' | 'relations'>>();
    const parentsOf = new Map<string, string[]>();
    const filter: ParsedEntityFilter = { anyOf: [{ allOf: [{ key: 'kind', values: ['location'] }] }] };
    let after: QueryCursor['after'] | undefined;
    for (;;) {
      const page = await this.store.queryEntities({ filter, order: [], limit: LOCATION_PAGE, after });
      for (const row of page.rows) {
        rows.set(row.entityRef, row);
        const entity = JSON.parse(row.body) as Entity;
        const key = entity.metadata?.annotations?.[ANNOTATION_LOCATION];
        const base = typeof key === 'string' ? urlOfLocationKey(key) : undefined;
        if (!base) continue;
        for (const target of locationTargets(entity)) {
          let file: string;
          try {
            file = locationKeyOf(this.resolver.resolve(base, target));
          } catch {
            continue; // the reader could not follow it either (recorded as an error at read time)
          }
          const list = parentsOf.get(file) ?? [];
          if (!list.includes(row.entityRef)) list.push(row.entityRef);
          parentsOf.set(file, list);
        }
      }
      const last = page.rows[page.rows.length - 1];
      if (!page.hasMore || !last) break;
      after = { values: [], ref: last.entityRef };
    }
    for (const list of parentsOf.values()) list.sort();
    return { rows, parentsOf };
  }

  async history(ref: string, limit: number) {
    const lower = ref.toLowerCase();
    const rows = await this.store.getHistory(lower, limit);
    if (rows.length === 0 && !(await this.store.getRowByRef(lower))) throw new NotFoundError(`No entity ${ref}`);
    return {
      items: rows.map(h => ({
        id: String(h.id),
        entityRef: h.entityRef,
        action: h.action,
        changedAt: new Date(h.at).toISOString(),
        ...(h.source ? { source: h.source } : {}),
        changes: JSON.parse(h.diff) as EntityChange[],
      })),
    };
  }

  async errors(options?: { entityRef?: string; locationKeys?: string[]; provider?: string }) {
    const rows = await this.store.listErrors({
      entityRef: options?.entityRef?.toLowerCase(),
      locationKeys: options?.locationKeys,
      provider: options?.provider,
    });
    return rows.map(formatError);
  }

  /** Full-text search, best first, among the entities of `kinds` the caller may read (`permission`). */
  async search(term: string, limit: number, kinds?: string[], permission?: EntityPermissionCriteria) {
    return JSON.parse(await this.searchText(term, limit, kinds, permission)) as { items: Array<{ entityRef: string; entity: Entity; rank: number }> };
  }

  /**
   * `search`'s answer as JSON text: the stored entities spliced in as text (`assembleText`) with the relations
   * the search read with them, never parsed and serialised again (that, and a second query for the relations,
   * was a third of a search's CPU).
   */
  async searchText(term: string, limit: number, kinds?: string[], permission?: EntityPermissionCriteria): Promise<string> {
    const filter: ParsedEntityFilter | undefined = kinds?.length
      ? { anyOf: [{ allOf: [{ key: 'kind', values: kinds.map(k => k.toLowerCase()) }] }] }
      : undefined;
    const hits = await this.store.searchText(term, limit, { filter, permission });
    const entities = await this.assembleText(hits);
    const items = hits.map((h, i) => `{"entityRef":${JSON.stringify(h.entityRef)},"entity":${entities[i]},"rank":${JSON.stringify(h.rank)}}`);
    return `{"items":[${items.join(',')}]}`;
  }
}

export function formatError(e: ErrorRecord) {
  return {
    ...(e.entityRef ? { entityRef: e.entityRef } : {}),
    locationKey: e.locationKey ?? e.provider,
    reason: e.type,
    message: e.message,
    occurredAt: new Date(e.at).toISOString(),
  };
}
