import type { Entity } from '@portico/catalog-model';
import type { CatalogApi, QueryEntitiesRequest } from '@portico/plugin-catalog-common';
import { catalogFromApi, ENTITIES_PAGE } from './ScorecardsCatalog';

const component = (name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: {} });

describe('reading every entity a scorecard applies to', () => {
  it('walks the catalog a page at a time with the cursor, and answers every entity once, sorted by ref', async () => {
    // served in an order other than by ref, as an ordered query may
    const all = Array.from({ length: 2 * ENTITIES_PAGE + 3 }, (_, i) => component(`svc-${String((i * 7919) % 10_000).padStart(4, '0')}`));
    const requests: QueryEntitiesRequest[] = [];
    const api = {
      async queryEntities(request: QueryEntitiesRequest) {
        requests.push(request);
        const from = 'cursor' in request ? Number(request.cursor) : 0;
        const limit = request.limit ?? 20;
        const items = all.slice(from, from + limit);
        return { items, totalItems: all.length, pageInfo: from + limit < all.length ? { nextCursor: String(from + limit) } : {} };
      },
      async getEntities() {
        throw new Error('the whole catalog in one answer');
      },
    } as unknown as CatalogApi;

    const found = await catalogFromApi(api).getEntities({ kind: 'component' });

    expect(found.map(e => e.metadata.name)).toEqual(all.map(e => e.metadata.name).sort());
    expect(requests).toHaveLength(3);
    expect(requests.every(r => r.limit === ENTITIES_PAGE)).toBe(true);
    expect(requests[0]).toMatchObject({ filter: { kind: 'component' } });
    expect(requests.slice(1).map(r => ('cursor' in r ? r.cursor : undefined))).toEqual([String(ENTITIES_PAGE), String(2 * ENTITIES_PAGE)]);
  });
});
