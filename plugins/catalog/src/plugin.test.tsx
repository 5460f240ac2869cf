import { ExtensionRegistry } from '@portico/app/testing';
import { ApiResolver, discoveryApiRef, fetchApiRef } from '@portico/frontend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import { catalogApiRef, entityMatchesFilter } from '@portico/plugin-catalog-react';
import { catalogPlugin } from './plugin';
import { exampleOrg } from './__testUtils__/fixtures';

const entityTabs = (registry: ExtensionRegistry, entity: Entity) =>
  registry.ofKind('entity-tab').filter(ext => entityMatchesFilter(entity, ext.data.filter));
const entityCards = (registry: ExtensionRegistry, entity: Entity) =>
  registry.ofKind('entity-card').filter(ext => entityMatchesFilter(entity, ext.data.filter));

describe('catalogPlugin', () => {
  it('contributes its api, pages, nav item, header search, tabs and cards', () => {
    expect(catalogPlugin.extensions.map(e => e.id)).toEqual([
      'api:catalog/plugin.catalog.service',
      'page:catalog/catalog',
      'page:catalog/entity',
      'page:catalog/register',
      'page:catalog/errors',
      'nav-item:catalog/catalog',
      'header-search:catalog/search',
      'home-card:catalog/my-components',
      'entity-tab:catalog/overview',
      'entity-tab:catalog/apis',
      'entity-tab:catalog/definition',
      'entity-tab:catalog/dependencies',
      'entity-tab:catalog/history',
      'entity-card:catalog/about',
      'entity-card:catalog/user-profile',
      'entity-card:catalog/group-profile',
      'entity-card:catalog/relations',
      'entity-card:catalog/group-members',
      'entity-card:catalog/ownership',
    ]);
  });

  it('filters tabs and cards per kind', () => {
    const registry = ExtensionRegistry.create({ plugins: [catalogPlugin] });
    const [group, , , payments, paymentsApi] = exampleOrg();
    expect(entityTabs(registry, payments).map(t => t.data.title)).toEqual(['Overview', 'APIs', 'Dependencies', 'History']);
    expect(entityTabs(registry, paymentsApi).map(t => t.data.title)).toEqual(['Overview', 'Definition', 'History']);
    expect(entityCards(registry, group).map(c => c.name)).toEqual(['group-profile', 'relations', 'group-members', 'ownership']);
    expect(entityCards(registry, payments).map(c => c.name)).toEqual(['about', 'relations']);
  });

  it('builds a catalog client over the discovery and fetch apis', async () => {
    const registry = ExtensionRegistry.create({ plugins: [catalogPlugin] });
    // jsdom has no Response; the client reads only these members
    const fetch = jest.fn(async () => ({ ok: true, status: 200, json: async () => exampleOrg()[3] }));
    const apis = new ApiResolver(registry.apiFactories(), [
      [discoveryApiRef, { getBaseUrl: async (id: string) => `http://portal.test/api/${id}` }],
      [fetchApiRef, { fetch: fetch as unknown as typeof globalThis.fetch }],
    ]);
    const entity = await apis.get(catalogApiRef)!.getEntityByRef('component:default/payments');
    expect(entity?.metadata.name).toBe('payments');
    expect(String((fetch.mock.calls[0] as unknown[])[0])).toBe('http://portal.test/api/catalog/entities/by-name/component/default/payments');
  });
});
