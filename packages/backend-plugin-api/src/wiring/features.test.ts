import { z } from 'zod';
import { coreServices } from '../services/coreServices';
import { createServiceFactory, createServiceRef } from '../services/ServiceRef';
import { createExtensionPoint } from './ExtensionPoint';
import { isBackendFeature } from '@portico/backend';
import { createBackendModule, createBackendPlugin, type PluginRegistrationPoints } from './features';

describe('createBackendPlugin', () => {
  it('records the extension points and init a plugin declares', () => {
    const ep = createExtensionPoint<{ add(x: string): void }>({ id: 'example.things' });
    const plugin = createBackendPlugin({
      pluginId: 'example',
      configSchema: z.object({ greeting: z.string() }).optional(),
      register(env) {
        env.registerExtensionPoint(ep, { add() {} });
        env.registerInit({ deps: { logger: coreServices.logger }, async init() {} });
      },
    });
    const reg = plugin.getRegistration();
    expect(reg).toMatchObject({ type: 'plugin', pluginId: 'example' });
    expect(reg.extensionPoints.map(e => e.ref.id)).toEqual(['example.things']);
    expect(Object.keys(reg.init.deps)).toEqual(['logger']);
    expect(reg.configSchema).toBeDefined();
    expect(isBackendFeature(plugin)).toBe(true);
  });

  it('names the plugin when registerInit is called twice', () => {
    const plugin = createBackendPlugin({
      pluginId: 'twice',
      register(env) {
        env.registerInit({ deps: {}, init() {} });
        env.registerInit({ deps: {}, init() {} });
      },
    });
    expect(() => plugin.getRegistration()).toThrow("registerInit called twice for plugin 'twice'");
  });

  it('names the plugin when registerInit is never called', () => {
    const plugin = createBackendPlugin({ pluginId: 'lazy', register() {} });
    expect(() => plugin.getRegistration()).toThrow("plugin 'lazy' did not call registerInit");
  });

  it('refuses an invalid plugin id at definition time', () => {
    expect(() => createBackendPlugin({ pluginId: 'Bad Id', register() {} })).toThrow("Invalid plugin id 'Bad Id'");
  });
});

describe('createBackendModule', () => {
  it('names the module by plugin and module id', () => {
    const mod = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'github-provider',
      register(env) {
        env.registerInit({ deps: {}, init() {} });
        env.registerInit({ deps: {}, init() {} });
      },
    });
    expect(mod).toMatchObject({ featureType: 'module', pluginId: 'catalog', moduleId: 'github-provider' });
    expect(() => mod.getRegistration()).toThrow("registerInit called twice for module 'catalog.github-provider'");
  });

  it("reads its target plugin's config section unless it names its own", () => {
    const register = (env: PluginRegistrationPoints<unknown>) => env.registerInit({ deps: {}, init() {} });
    const reader = createBackendModule({ pluginId: 'catalog', moduleId: 'reader', configSchema: z.object({}).prefault({}), register });
    const facts = createBackendModule({ pluginId: 'scorecards', moduleId: 'github', configSection: 'github', configSchema: z.object({}).prefault({}), register });
    expect(reader.getRegistration().configSection).toBe('catalog');
    expect(facts.getRegistration().configSection).toBe('github');
    expect(() => createBackendModule({ pluginId: 'scorecards', moduleId: 'github', configSection: 'GitHub', register })).toThrow(
      "Invalid configSection 'GitHub' for module 'scorecards.github': name one top-level section, like a plugin id",
    );
  });
});

describe('service refs and factories', () => {
  it('defaults refs to plugin scope', () => {
    expect(createServiceRef<string>({ id: 'my.service' }).scope).toBe('plugin');
    expect(createServiceRef<string>({ id: 'my.root', scope: 'root' }).scope).toBe('root');
  });

  it('refuses a root factory that depends on a plugin-scoped service', () => {
    const root = createServiceRef<string>({ id: 'my.root', scope: 'root' });
    expect(() =>
      createServiceFactory({ service: root, deps: { logger: coreServices.logger as never }, factory: () => 'x' }),
    ).toThrow("Root service 'my.root' cannot depend on plugin-scoped service 'core.logger'");
  });

  it('builds a plugin-scoped factory with a shared root context', () => {
    const ref = createServiceRef<{ n: number }>({ id: 'my.counter' });
    const factory = createServiceFactory({
      service: ref,
      deps: { meta: coreServices.pluginMetadata },
      createRootContext: () => ({ count: 0 }),
      factory: (_deps, ctx: { count: number }) => ({ n: ++ctx.count }),
    });
    expect(factory.service.id).toBe('my.counter');
    expect(typeof factory.createRootContext).toBe('function');
  });

  it('makes the type carrier unreadable at run time', () => {
    expect(() => createServiceRef<string>({ id: 'x' }).T).toThrow(/type carrier/);
  });
});
