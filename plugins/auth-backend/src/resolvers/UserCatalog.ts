import type { Entity } from '@portico/catalog-model';
import { toEntityFilterQuery, type CatalogApi, type EntityFilter } from '@portico/plugin-catalog-common';

/** What sign-in needs from the catalog: Users by filter, entities by ref. */
export interface UserCatalog {
  findEntities(filter: EntityFilter): Promise<Entity[]>;
  getEntitiesByRefs(refs: string[]): Promise<Array<Entity | undefined>>;
}

/** The catalog reached through `catalogServiceRef`, each call with a fresh service token for the catalog. */
export function userCatalogFromApi(api: CatalogApi, getToken: () => Promise<string | undefined>): UserCatalog {
  const options = async () => {
    const token = await getToken();
    return token ? { token } : undefined;
  };
  return {
    async findEntities(filter) {
      const { items } = await api.getEntities({ filter: toEntityFilterQuery(filter) }, await options());
      return items;
    },
    async getEntitiesByRefs(refs) {
      if (refs.length === 0) return [];
      const { items } = await api.getEntitiesByRefs({ entityRefs: refs }, await options());
      return items.map(e => e ?? undefined);
    },
  };
}
