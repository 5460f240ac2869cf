import type { Entity } from '@portico/catalog-model';
import { toEntityFilterQuery, type CatalogApi, type EntityFilter } from '@portico/plugin-catalog-common';

/** What the scorecards need from the catalog. */
export interface ScorecardsCatalog {
  /** Entities matching a catalog filter (every entity without one). */
  getEntities(filter?: EntityFilter | EntityFilter[]): Promise<Entity[]>;
  /** Entities in the order of the refs, undefined where one does not exist. */
  getEntitiesByRefs(entityRefs: string[]): Promise<Array<Entity | undefined>>;
}

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
      if (entityRefs.length === 0) return [];
      const { items } = await api.getEntitiesByRefs({ entityRefs }, await options());
      return items.map(e => e ?? undefined);
    },
  };
}
