import { parseEntityRef, stringifyEntityRef, type Entity } from '@portico/catalog-model';
import type {
  AddLocationRequest,
  AddLocationResponse,
  CatalogApi,
  EntityError,
  EntityFilterQuery,
  EntityHistoryEntry,
  EntityRefLike,
  GetEntityFacetsRequest,
  LocationReadError,
  QueryEntitiesRequest,
  QueryEntitiesResponse,
  SearchEntitiesRequest,
} from '@portico/plugin-catalog-common';

/** Values of a dotted path, lower-cased; `relations.<type>` yields target refs. */
function valuesAt(entity: Entity, path: string): string[] {
  if (path.startsWith('relations.')) {
    const type = path.slice('relations.'.length).toLocaleLowerCase('en-US');
    return (entity.relations ?? []).filter(r => r.type.toLocaleLowerCase('en-US') === type).map(r => r.targetRef);
  }
  let node: unknown = entity;
  for (const part of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  const list = Array.isArray(node) ? node : node === undefined ? [] : [node];
  return list.filter(v => typeof v === 'string').map(v => (v as string).toLocaleLowerCase('en-US'));
}

function matches(entity: Entity, filter?: EntityFilterQuery): boolean {
  if (!filter) return true;
  const alternatives = Array.isArray(filter) ? filter : [filter];
  return alternatives.some(f =>
    Object.entries(f).every(([key, want]) => {
      const wanted = (Array.isArray(want) ? want : [want]).map(w => String(w).toLocaleLowerCase('en-US'));
      const have = valuesAt(entity, key);
      return wanted.some(w => have.includes(w));
    }),
  );
}

/**
 * An in-memory CatalogApi over a fixed list of entities, with the server's semantics for filters, cursors,
 * facets and search, so component tests exercise real request shapes. Spy on a method to fake a failure.
 */
export class FakeCatalogApi implements CatalogApi {
  entities: Entity[];
  history: EntityHistoryEntry[] = [];
  errors: EntityError[] = [];
  /** What a location target reads to (for addLocation). */
  locations: Record<string, Entity[]> = {};
  /** The problems a location target's read meets (for addLocation). */
  locationErrors: Record<string, LocationReadError[]> = {};
  registered: string[] = [];

  constructor(entities: Entity[]) {
    this.entities = entities;
  }

  private find(ref: EntityRefLike): Entity | undefined {
    const wanted = stringifyEntityRef(typeof ref === 'string' ? parseEntityRef(ref) : ref);
    return this.entities.find(e => stringifyEntityRef(e) === wanted);
  }

  async getEntities() {
    return { items: this.entities };
  }

  async getEntitiesByRefs({ entityRefs }: { entityRefs: string[] }) {
    return { items: entityRefs.map(ref => this.find(ref) ?? null) };
  }

  async queryEntities(request: QueryEntitiesRequest = {}): Promise<QueryEntitiesResponse> {
    const initial: Exclude<QueryEntitiesRequest, { cursor: string }> & { offset?: number } =
      'cursor' in request ? JSON.parse(request.cursor) : request;
    let items = this.entities.filter(e => matches(e, initial.filter));
    const term = initial.fullTextFilter?.term.toLocaleLowerCase('en-US');
    if (term) items = items.filter(e => JSON.stringify(e.metadata).toLocaleLowerCase('en-US').includes(term));
    const orders = initial.orderFields ? (Array.isArray(initial.orderFields) ? initial.orderFields : [initial.orderFields]) : [];
    for (const { field, order } of [...orders].reverse()) {
      items = [...items].sort((a, b) => (valuesAt(a, field)[0] ?? '').localeCompare(valuesAt(b, field)[0] ?? '') * (order === 'desc' ? -1 : 1));
    }
    const offset = initial.offset ?? 0;
    const limit = request.limit ?? initial.limit ?? 20;
    const page = items.slice(offset, offset + limit);
    const nextCursor = offset + limit < items.length ? JSON.stringify({ ...initial, offset: offset + limit }) : undefined;
    return { items: page, totalItems: items.length, pageInfo: { nextCursor } };
  }

  async getEntityAncestors(): Promise<never> {
    throw new Error('not faked');
  }

  async getEntityByRef(ref: EntityRefLike) {
    return this.find(ref);
  }

  async removeEntityByUid() {}
  async refreshEntity() {}

  async getEntityFacets({ facets, filter }: GetEntityFacetsRequest) {
    const result: Record<string, Array<{ value: string; count: number }>> = {};
    const items = this.entities.filter(e => matches(e, filter));
    for (const facet of facets) {
      const counts = new Map<string, number>();
      for (const entity of items) {
        let values: string[];
        if (facet === 'kind') values = [entity.kind];
        else if (facet.startsWith('relations.')) values = valuesAt(entity, facet);
        else {
          let node: unknown = entity;
          for (const part of facet.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
          values = (Array.isArray(node) ? node : node === undefined ? [] : [node]).map(String);
        }
        for (const value of new Set(values)) counts.set(value, (counts.get(value) ?? 0) + 1);
      }
      result[facet] = [...counts].map(([value, count]) => ({ value, count }));
    }
    return { facets: result };
  }

  async getLocations() {
    return { items: [] };
  }
  async getLocationById() {
    return undefined;
  }
  async getLocationByRef() {
    return undefined;
  }

  async addLocation({ type = 'url', target, dryRun }: AddLocationRequest): Promise<AddLocationResponse> {
    const entities = this.locations[target];
    if (!entities) throw new Error(`Unable to read ${type}:${target}: not found`);
    const exists = this.registered.includes(target);
    if (!dryRun) {
      this.registered.push(target);
      this.entities.push(...entities);
    }
    return { location: { id: 'loc-1', type, target }, entities, errors: this.locationErrors[target] ?? [], exists: dryRun ? exists : undefined };
  }

  async removeLocationById() {}

  async validateEntity() {
    return { valid: true as const };
  }

  async getEntityHistory(ref: EntityRefLike) {
    const wanted = stringifyEntityRef(typeof ref === 'string' ? parseEntityRef(ref) : ref);
    return { items: this.history.filter(h => h.entityRef === wanted) };
  }

  async searchEntities({ term, limit = 10 }: SearchEntitiesRequest) {
    const t = term.toLocaleLowerCase('en-US');
    const hits = this.entities.filter(e =>
      [e.metadata.name, e.metadata.title, e.metadata.description, ...(e.metadata.tags ?? [])].some(v =>
        v?.toLocaleLowerCase('en-US').includes(t),
      ),
    );
    return {
      items: hits.slice(0, limit).map((entity, i) => ({ entityRef: stringifyEntityRef(entity), entity, rank: hits.length - i })),
    };
  }

  async getEntityErrors(request: { entityRef?: string; locationKey?: string } = {}) {
    return {
      items: this.errors.filter(
        e => (!request.entityRef || e.entityRef === request.entityRef) && (!request.locationKey || e.locationKey === request.locationKey),
      ),
    };
  }
}
