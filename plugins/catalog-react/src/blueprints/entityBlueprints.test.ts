import { ExtensionRegistry } from '@portico/app/testing';
import type { Entity } from '@portico/catalog-model';
import { createFrontendPlugin, NavItemBlueprint, PageBlueprint } from '@portico/frontend-plugin-api';
import { CATALOG_FILTER_EXISTS } from '@portico/plugin-catalog-common';
import { entityMatchesFilter } from '../entity/EntityFilter';
import '../entity/useEntityExtensions';
import { EntityCardBlueprint } from './EntityCardBlueprint';
import { EntityTabBlueprint } from './EntityTabBlueprint';

const Empty = () => null;
const loader = async () => Empty;

const entityTabs = (registry: ExtensionRegistry, entity: Entity) =>
  registry.ofKind('entity-tab').filter(ext => entityMatchesFilter(entity, ext.data.filter));
const entityCards = (registry: ExtensionRegistry, entity: Entity) =>
  registry.ofKind('entity-card').filter(ext => entityMatchesFilter(entity, ext.data.filter));

const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', annotations: { 'example.com/greeting': 'hi' } },
  spec: { type: 'service' },
};
const group: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' } };

function examplePlugin() {
  return createFrontendPlugin({
    id: 'example',
    extensions: [
      PageBlueprint({ path: '/example', title: 'Example', loader }),
      NavItemBlueprint({ title: 'Example', path: '/example' }),
      EntityTabBlueprint({ path: '/greeting', title: 'Greeting', filter: { 'metadata.annotations.example.com/greeting': CATALOG_FILTER_EXISTS }, loader }),
      EntityCardBlueprint({ name: 'greeting', filter: { kind: 'component', 'spec.type': ['service'] }, loader }),
      EntityCardBlueprint({ name: 'team', filter: e => e.kind === 'Group', loader }),
    ],
  });
}

describe('createFrontendPlugin', () => {
  it('gives every extension the id <kind>:<pluginId>/<name>', () => {
    expect(examplePlugin().extensions.map(e => e.id)).toEqual([
      'page:example/example',
      'nav-item:example/example',
      'entity-tab:example/greeting',
      'entity-card:example/greeting',
      'entity-card:example/team',
    ]);
  });

  it('names the index page and the overview tab', () => {
    const plugin = createFrontendPlugin({
      id: 'home',
      extensions: [PageBlueprint({ path: '/', loader }), EntityTabBlueprint({ path: '/', title: 'Overview', loader })],
    });
    expect(plugin.extensions.map(e => e.id)).toEqual(['page:home/index', 'entity-tab:home/overview']);
  });

  it('rejects duplicate extension ids and bad plugin ids with a message naming them', () => {
    expect(() =>
      createFrontendPlugin({
        id: 'dup',
        extensions: [PageBlueprint({ path: '/a', loader }), PageBlueprint({ path: '/a', loader })],
      }),
    ).toThrow("Plugin 'dup' declares extension 'page:dup/a' twice");
    expect(() => createFrontendPlugin({ id: 'Bad Id' })).toThrow("Frontend plugin id 'Bad Id'");
    expect(() => PageBlueprint({ path: 'relative', loader })).toThrow("must start with '/'");
  });
});

describe('entity blueprints in the ExtensionRegistry', () => {
  it('filters entity tabs and cards per entity', () => {
    const registry = ExtensionRegistry.create({ plugins: [examplePlugin()] });
    expect(entityTabs(registry, component).map(e => e.id)).toEqual(['entity-tab:example/greeting']);
    expect(entityTabs(registry, group)).toEqual([]);
    expect(entityCards(registry, component).map(e => e.id)).toEqual(['entity-card:example/greeting']);
    expect(entityCards(registry, group).map(e => e.id)).toEqual(['entity-card:example/team']);
  });
});
