import {
  ApiBlueprint,
  ApiResolver,
  createApiRef,
  createFrontendPlugin,
  HeaderSearchBlueprint,
  NavItemBlueprint,
  PageBlueprint,
} from '@portico/frontend-plugin-api';
import { ExtensionRegistry } from './ExtensionRegistry';

const Empty = () => null;
const loader = async () => Empty;

function examplePlugin() {
  return createFrontendPlugin({
    id: 'example',
    extensions: [
      PageBlueprint({ path: '/example', title: 'Example', loader }),
      PageBlueprint({ path: '/greeting', title: 'Greeting', loader }),
      NavItemBlueprint({ title: 'Example', path: '/example' }),
    ],
  });
}

describe('ExtensionRegistry', () => {
  it('disables extensions and whole plugins, and orders listed extensions first', () => {
    const other = createFrontendPlugin({
      id: 'other',
      extensions: [NavItemBlueprint({ title: 'Other', path: '/other' }), HeaderSearchBlueprint({ loader })],
    });
    const registry = ExtensionRegistry.create({
      plugins: [examplePlugin(), other],
      extensionsConfig: [
        'nav-item:other/other',
        { 'page:example/greeting': false },
        { 'page:example/example': { disabled: true } },
      ],
    });
    expect(registry.ofKind('nav-item').map(e => e.id)).toEqual(['nav-item:other/other', 'nav-item:example/example']);
    expect(registry.ofKind('page')).toEqual([]);
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
