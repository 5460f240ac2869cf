import { stringifyEntityRef, type Entity } from '@portico/catalog-model';
import { toEntityFilterQuery, type CatalogApi, type EntityFilter } from '@portico/plugin-catalog-common';

/** What the scorecards need from the catalog. */
export interface ScorecardsCatalog {
  /** Entities matching a catalog filter (every entity without one). */
  getEntities(filter?: EntityFilter | EntityFilter[]): Promise<Entity[]>;
  /** Entities in the order of the refs, undefined where one does not exist. */
  getEntitiesByRefs(entityRefs: string[]): Promise<Array<Entity | undefined>>;
}

/** Refs per `POST /entities/by-refs` call: well under the catalog's limit of 10,000, and a body of a few hundred kB. */
export const BY_REFS_BATCH = 1000;

/**
 * Entities per page when reading every entity a filter matches. The whole 30,000-entity catalog as one answer held
 * the catalog's thread for 1.5 s writing it and the reader's for as long parsing it; a page is a few hundred kB.
 */
export const ENTITIES_PAGE = 500;

const byRef = (a: { ref: string }, b: { ref: string }) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0);

/** Adapts a CatalogApi (the catalog service or a CatalogClient) to what the scorecards need. */
export function catalogFromApi(api: CatalogApi, getToken?: () => Promise<string | undefined>): ScorecardsCatalog {
  const options = async () => {
    const token = await getToken?.();
    return token ? { token } : undefined;
  };
  return {
    async getEntities(filter) {
      // a page at a time (the cursor keeps the filter, the order and a consistent walk), the event loop turning
      // between pages; sorted by ref as the whole answer was
      const query = filter === undefined ? undefined : toEntityFilterQuery(filter);
      const out: Entity[] = [];
      let page = await api.queryEntities({ ...(query ? { filter: query } : {}), limit: ENTITIES_PAGE }, await options());
      out.push(...page.items);
      while (page.pageInfo.nextCursor && page.items.length > 0) {
        await new Promise<void>(resolve => setImmediate(resolve));
        page = await api.queryEntities({ cursor: page.pageInfo.nextCursor, limit: ENTITIES_PAGE }, await options());
        out.push(...page.items);
      }
      return out.map(entity => ({ entity, ref: stringifyEntityRef(entity) })).sort(byRef).map(e => e.entity);
    },
    async getEntitiesByRefs(entityRefs) {
      const out: Array<Entity | undefined> = [];
      // A first ingestion changes tens of thousands at once; the catalog refuses more than 10,000 refs a call.
      for (let i = 0; i < entityRefs.length; i += BY_REFS_BATCH) {
        const { items } = await api.getEntitiesByRefs({ entityRefs: entityRefs.slice(i, i + BY_REFS_BATCH) }, await options());
        for (const e of items) out.push(e ?? undefined);
      }
      return out;
    },
  };
}
