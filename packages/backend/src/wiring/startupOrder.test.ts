import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  createExtensionPoint,
  createServiceFactory,
  createServiceRef,
  durationSchema,
  integrationsExtensionPoint,
} from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';
import { z } from 'zod';
import { buildTestBackend, startTestHost } from '../__testUtils__/testBackend';

const thingsExtensionPoint = createExtensionPoint<{ addThing(thing: string): void }>({ id: 'owner.things' });

function ownerPlugin(events: string[], seen: string[][] = []) {
  return createBackendPlugin({
    pluginId: 'owner',
    register(env) {
      const things: string[] = [];
      env.registerExtensionPoint(thingsExtensionPoint, { addThing: t => things.push(t) });
      env.registerInit({
        deps: { logger: coreServices.logger },
        async init() {
          events.push('owner');
          seen.push([...things]);
        },
      });
    },
  });
}

function contributorPlugin(id: string, events: string[], delayMs = 0) {
  return createBackendPlugin({
    pluginId: id,
    register(env) {
      env.registerInit({
        deps: { things: thingsExtensionPoint },
        async init({ things }) {
          await new Promise(r => setTimeout(r, delayMs));
          things.addThing(id);
          events.push(id);
        },
      });
    },
  });
}

describe('startup order', () => {
  it('initialises every contributor of an extension point before its owner, whatever the add order', async () => {
    const events: string[] = [];
    const seen: string[][] = [];
    const contributorModule = createBackendModule({
      pluginId: 'owner',
      moduleId: 'extra',
      register(env) {
        env.registerInit({
          deps: { things: thingsExtensionPoint },
          async init({ things }) {
            things.addThing('module');
            events.push('module');
          },
        });
      },
    });
    const { backend } = await startTestHost({}, [
      ownerPlugin(events, seen),
      contributorPlugin('slow', events, 30),
      contributorModule,
      contributorPlugin('fast', events, 0),
    ]);
    try {
      expect(events[events.length - 1]).toBe('owner');
      expect(seen[0].sort()).toEqual(['fast', 'module', 'slow']);
    } finally {
      await backend.stop();
    }
  });

  it('runs features with no dependency between them in parallel', async () => {
    let running = 0;
    let maxRunning = 0;
    const slow = (id: string) =>
      createBackendPlugin({
        pluginId: id,
        register(env) {
          env.registerInit({
            deps: {},
            async init() {
              running++;
              maxRunning = Math.max(maxRunning, running);
              await new Promise(r => setTimeout(r, 50));
              running--;
            },
          });
        },
      });
    const { backend } = await startTestHost({}, [slow('a'), slow('b'), slow('c')]);
    await backend.stop();
    expect(maxRunning).toBe(3);
  });

  it('initialises users of the integrations service after every provider was added', async () => {
    const events: string[] = [];
    const reader = createBackendPlugin({
      pluginId: 'reader',
      register(env) {
        env.registerInit({
          deps: { integrations: coreServices.integrations },
          async init({ integrations }) {
            events.push(`reader sees ${integrations.listProviders().map(p => p.id).join(',')}`);
          },
        });
      },
    });
    const provider = createBackendModule({
      pluginId: 'acme',
      moduleId: 'integration',
      register(env) {
        env.registerInit({
          deps: { integrations: integrationsExtensionPoint },
          async init({ integrations }) {
            await new Promise(r => setTimeout(r, 20));
            integrations.addProvider({ id: 'acme', describeTargets: () => ['acme.test'], serves: u => u.host === 'acme.test' });
            events.push('provider');
          },
        });
      },
    });
    const acme = createBackendPlugin({ pluginId: 'acme', register: env => env.registerInit({ deps: {}, init() {} }) });
    const { backend } = await startTestHost({}, [reader, acme, provider]);
    await backend.stop();
    expect(events).toEqual(['provider', expect.stringContaining('acme')]);
  });

  it('lets plugin-scoped factories depend on plugin-scoped services, per plugin', async () => {
    const greetingRef = createServiceRef<{ greet(): string }>({ id: 'test.greeting' });
    const greetingFactory = createServiceFactory({
      service: greetingRef,
      deps: { plugin: coreServices.pluginMetadata, logger: coreServices.logger },
      factory: ({ plugin }) => ({ greet: () => `hello from ${plugin.getId()}` }),
    });
    const greetings: string[] = [];
    const plugin = (id: string) =>
      createBackendPlugin({
        pluginId: id,
        register(env) {
          env.registerInit({ deps: { greeting: greetingRef }, async init({ greeting }) { greetings.push(greeting.greet()); } });
        },
      });
    const { backend } = await startTestHost({}, [greetingFactory, plugin('one'), plugin('two')]);
    await backend.stop();
    expect(greetings.sort()).toEqual(['hello from one', 'hello from two']);
  });

  it('lets an added factory replace a default by ref id', async () => {
    const seen: string[] = [];
    const discovery = createServiceFactory({
      service: coreServices.discovery,
      deps: {},
      factory: () => ({ getBaseUrl: async (id: string) => `http://custom/${id}`, getExternalBaseUrl: async (id: string) => `http://custom/${id}` }),
    });
    const plugin = createBackendPlugin({
      pluginId: 'probe',
      register(env) {
        env.registerInit({ deps: { discovery: coreServices.discovery }, async init({ discovery: d }) { seen.push(await d.getBaseUrl('x')); } });
      },
    });
    const { backend } = await startTestHost({}, [discovery, plugin]);
    await backend.stop();
    expect(seen).toEqual(['http://custom/x']);
  });

  it('skips a module whose plugin is not installed, with a log line', async () => {
    const orphan = createBackendModule({
      pluginId: 'absent',
      moduleId: 'orphan',
      register: env => env.registerInit({ deps: {}, init: () => { throw new Error('must not run'); } }),
    });
    const { backend, lines } = await startTestHost({}, [orphan]);
    await backend.stop();
    expect(lines.map(l => l.message)).toContain("Skipping module 'absent.orphan': plugin 'absent' is not installed");
  });

  it('logs a startup summary line per plugin with its time', async () => {
    const { backend, lines } = await startTestHost({}, [contributorPlugin('solo', [], 0), ownerPlugin([])]);
    await backend.stop();
    const summary = lines.map(l => l.message).filter(m => m.startsWith('Plugin '));
    expect(summary).toEqual(expect.arrayContaining([expect.stringMatching(/^Plugin 'solo' started in \d+ ms$/), expect.stringMatching(/^Plugin 'owner' started in \d+ ms$/)]));
  });
});

describe('startup errors name the features involved', () => {
  const noop = (pluginId: string) => createBackendPlugin({ pluginId, register: env => env.registerInit({ deps: {}, init() {} }) });

  it('fails on a missing service ref', async () => {
    const missing = createServiceRef<string>({ id: 'test.missing' });
    const plugin = createBackendPlugin({
      pluginId: 'needy',
      register: env => env.registerInit({ deps: { m: missing }, init() {} }),
    });
    const { backend } = buildTestBackend({}, [plugin]);
    await expect(backend.start()).rejects.toThrow("Plugin 'needy' depends on service 'test.missing' which is not provided");
  });

  it('fails on a missing extension point', async () => {
    const ep = createExtensionPoint<object>({ id: 'nobody.owns' });
    const plugin = createBackendPlugin({ pluginId: 'needy', register: env => env.registerInit({ deps: { ep }, init() {} }) });
    const { backend } = buildTestBackend({}, [plugin]);
    await expect(backend.start()).rejects.toThrow("Plugin 'needy' depends on extension point 'nobody.owns' which is not provided");
  });

  it('fails on duplicate plugin ids and duplicate module ids', async () => {
    const first = buildTestBackend({}, [noop('twin'), noop('twin')]).backend;
    await expect(first.start()).rejects.toThrow("Plugin 'twin' was added twice");
    const mod = () => createBackendModule({ pluginId: 'twin', moduleId: 'm', register: env => env.registerInit({ deps: {}, init() {} }) });
    const second = buildTestBackend({}, [noop('twin'), mod(), mod()]).backend;
    await expect(second.start()).rejects.toThrow("Module 'twin.m' was added twice");
  });

  it('fails on a dependency cycle between features and lists it', async () => {
    const epA = createExtensionPoint<object>({ id: 'a.ep' });
    const epB = createExtensionPoint<object>({ id: 'b.ep' });
    const a = createBackendPlugin({
      pluginId: 'a',
      register(env) {
        env.registerExtensionPoint(epA, {});
        env.registerInit({ deps: { b: epB }, init() {} });
      },
    });
    const b = createBackendPlugin({
      pluginId: 'b',
      register(env) {
        env.registerExtensionPoint(epB, {});
        env.registerInit({ deps: { a: epA }, init() {} });
      },
    });
    const { backend } = buildTestBackend({}, [a, b]);
    await expect(backend.start()).rejects.toThrow(/Circular dependency between features: plugin '(a|b)' -> plugin '(a|b)' -> plugin '(a|b)'/);
  });

  it('fails on a cycle between service factories', async () => {
    const x = createServiceRef<object>({ id: 'test.x', scope: 'root' });
    const y = createServiceRef<object>({ id: 'test.y', scope: 'root' });
    const plugin = createBackendPlugin({ pluginId: 'p', register: env => env.registerInit({ deps: { x }, init() {} }) });
    const { backend } = buildTestBackend({}, [
      createServiceFactory({ service: x, deps: { y }, factory: () => ({}) }),
      createServiceFactory({ service: y, deps: { x }, factory: () => ({}) }),
      plugin,
    ]);
    await expect(backend.start()).rejects.toThrow("Circular dependency between services: 'test.x' -> 'test.y' -> 'test.x' (needed by plugin 'p')");
  });

  it('fails when a contributor uses an extension point after its owner began initialising', async () => {
    let stashed: { addThing(t: string): void } | undefined;
    const late = createBackendPlugin({
      pluginId: 'late',
      register: env =>
        env.registerInit({
          deps: { things: thingsExtensionPoint },
          async init({ things }) {
            stashed = things;
          },
        }),
    });
    const { backend } = await startTestHost({}, [ownerPlugin([]), late]);
    await backend.stop();
    expect(() => stashed!.addThing('too late')).toThrow(
      "Plugin 'late' used extension point 'owner.things' after its owner plugin 'owner' began initialising",
    );
  });

  it('checks every config schema before any init and names the path', async () => {
    let initialised = false;
    const strict = createBackendPlugin({
      pluginId: 'catalog',
      configSchema: z.object({ orphanStrategy: z.enum(['keep', 'delete']) }),
      register: env => env.registerInit({ deps: {}, init: () => { initialised = true; } }),
    });
    const { backend } = buildTestBackend({ catalog: { orphanStrategy: 'explode' } }, [strict]);
    const error = await backend.start().catch(e => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/^Invalid config at catalog\.orphanStrategy: /);
    expect(initialised).toBe(false);
  });

  it("hands each plugin and module its section parsed by its own schema, defaults applied", async () => {
    const seen: unknown[] = [];
    const plugin = createBackendPlugin({
      pluginId: 'catalog',
      configSchema: z.object({ orphanStrategy: z.enum(['keep', 'delete']).default('delete'), interval: durationSchema.prefault('PT1M') }).prefault({}),
      register: env =>
        env.registerInit({
          deps: {},
          init: (_deps, { pluginConfig }) => {
            const strategy: 'keep' | 'delete' = pluginConfig.orphanStrategy;
            seen.push({ plugin: strategy, interval: pluginConfig.interval });
          },
        }),
    });
    const module = createBackendModule({
      pluginId: 'catalog',
      moduleId: 'reader',
      configSchema: z.object({ interval: durationSchema.prefault('PT1M') }).prefault({}),
      register: env => env.registerInit({ deps: {}, init: (_deps, { pluginConfig }) => void seen.push({ module: pluginConfig.interval }) }),
    });
    const { backend } = buildTestBackend({ catalog: { interval: { minutes: 5 } } }, [plugin, module]);
    await backend.start();
    await backend.stop();
    expect(seen).toHaveLength(2);
    expect(seen).toEqual(expect.arrayContaining([{ plugin: 'delete', interval: 300_000 }, { module: 300_000 }]));
  });
});

describe('backend.add()', () => {
  const feature = createBackendPlugin({ pluginId: 'lazy', register: env => env.registerInit({ deps: {}, init() {} }) });

  it('accepts dynamic imports of packages, however their default export is wrapped', async () => {
    const { backend } = buildTestBackend();
    backend.add(Promise.resolve({ default: [feature] }));
    const cjs = createBackendPlugin({ pluginId: 'cjs', register: env => env.registerInit({ deps: {}, init() {} }) });
    // What `import()` of a compiled CommonJS package yields: module.exports under `default`.
    backend.add(Promise.resolve({ default: { default: cjs } }) as never);
    await backend.start();
    await backend.stop();
  });

  it('rejects something that is not a feature, saying what it got', async () => {
    const { backend } = buildTestBackend();
    backend.add(Promise.resolve({ default: { hello: 1 } }) as never);
    await expect(backend.start()).rejects.toThrow('backend.add() was given something that is not a plugin, module or service factory: an object with keys [hello]');
  });
});
