import { ExtensionRegistry } from '@portico/app/testing';
import type { Entity } from '@portico/catalog-model';
import {
  ApiBlueprint,
  ApiResolver,
  createApiRef,
  createFrontendPlugin,
  HeaderSearchBlueprint,
  NavItemBlueprint,
  PageBlueprint,
} from '@portico/frontend-plugin-api';
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

describe('ExtensionRegistry', () => {
  it('filters entity tabs and cards per entity', () => {
    const registry = ExtensionRegistry.create({ plugins: [examplePlugin()] });
    expect(entityTabs(registry, component).map(e => e.id)).toEqual(['entity-tab:example/greeting']);
    expect(entityTabs(registry, group)).toEqual([]);
    expect(entityCards(registry, component).map(e => e.id)).toEqual(['entity-card:example/greeting']);
    expect(entityCards(registry, group).map(e => e.id)).toEqual(['entity-card:example/team']);
  });

  it('disables extensions and whole plugins, and orders listed extensions first', () => {
    const other = createFrontendPlugin({
      id: 'other',
      extensions: [NavItemBlueprint({ title: 'Other', path: '/other' }), HeaderSearchBlueprint({ loader })],
    });
    const registry = ExtensionRegistry.create({
      plugins: [examplePlugin(), other],
      extensionsConfig: [
        'nav-item:other/other',
        { 'entity-card:example/greeting': false },
        { 'page:example/example': { disabled: true } },
      ],
    });
    expect(registry.ofKind('nav-item').map(e => e.id)).toEqual(['nav-item:other/other', 'nav-item:example/example']);
    expect(registry.ofKind('page')).toEqual([]);
    expect(entityCards(registry, component)).toEqual([]);
    expect(registry.ofKind('header-search')).toHaveLength(1);

    const withoutExample = ExtensionRegistry.create({
      plugins: [examplePlugin(), other],
      extensionsConfig: [{ 'plugin:example': false }],
    });
    expect(withoutExample.extensions.every(e => e.pluginId === 'other')).toBe(true);
  });

  it('turns on an extension that is disabled by default when config lists it', () => {
    const plugin = createFrontendPlugin({
      id: 'opt',
      extensions: [PageBlueprint({ path: '/opt', loader, disabled: true })],
    });
    expect(ExtensionRegistry.create({ plugins: [plugin] }).ofKind('page')).toEqual([]);
    expect(ExtensionRegistry.create({ plugins: [plugin], extensionsConfig: ['page:opt/opt'] }).ofKind('page')).toHaveLength(1);
  });

  it('rejects malformed app.extensions entries', () => {
    expect(() => ExtensionRegistry.create({ plugins: [], extensionsConfig: [{ a: false, b: true }] })).toThrow(
      'app.extensions[0]',
    );
    expect(() =>
      ExtensionRegistry.create({ plugins: [], extensionsConfig: [{ 'page:x/y': { disabled: 'yes' } }] }),
    ).toThrow('app.extensions[0].page:x/y.disabled must be true or false');
  });

  it('collects api factories that resolve their dependencies', () => {
    const baseRef = createApiRef<{ base: string }>({ id: 'plugin.test.base' });
    const greetingRef = createApiRef<{ greet(): string }>({ id: 'plugin.test.greeting' });
    const plugin = createFrontendPlugin({
      id: 'apis',
      extensions: [
        ApiBlueprint({ api: greetingRef, deps: { b: baseRef }, factory: ({ b }) => ({ greet: () => `hi ${b.base}` }) }),
        ApiBlueprint({ api: baseRef, deps: {}, factory: () => ({ base: 'there' }) }),
      ],
    });
    const registry = ExtensionRegistry.create({ plugins: [plugin] });
    expect(registry.ofKind('api').map(e => e.id)).toEqual(['api:apis/plugin.test.greeting', 'api:apis/plugin.test.base']);
    const apis = new ApiResolver(registry.apiFactories());
    expect(apis.get(greetingRef)?.greet()).toBe('hi there');
  });
});
