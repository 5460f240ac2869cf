import type { Entity } from '@portico/catalog-model';
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

/** Adapts a CatalogApi (the catalog service or a CatalogClient) to what the scorecards need. */
export function catalogFromApi(api: CatalogApi, getToken?: () => Promise<string | undefined>): ScorecardsCatalog {
  const options = async () => {
    const token = await getToken?.();
    return token ? { token } : undefined;
  };
  return {
    async getEntities(filter) {
      const query = filter === undefined ? undefined : toEntityFilterQuery(filter);
      const { items } = await api.getEntities(query ? { filter: query } : {}, await options());
      return items;
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
