import { coreServices, createBackendPlugin, createServiceFactory, createServiceRef } from '@portico/backend-plugin-api';
import { buildTestBackend } from '../__testUtils__/testBackend';

interface Greeter {
  greet(name: string): string;
}

// No annotation: the default factory names its service through the ref it receives.
const greeterRef = createServiceRef<Greeter>({
  id: 'test.greeter',
  defaultFactory: service =>
    createServiceFactory({
      service,
      deps: { plugin: coreServices.pluginMetadata },
      factory: ({ plugin }) => ({ greet: name => `Hello ${name}, from ${plugin.getId()}` }),
    }),
});

describe("a service ref's default factory", () => {
  it('receives the ref and builds the service for each plugin that depends on it, when nobody added a factory', async () => {
    const greetings: string[] = [];
    const plugin = (pluginId: string) =>
      createBackendPlugin({
        pluginId,
        register: env => env.registerInit({ deps: { greeter: greeterRef }, init: async ({ greeter }) => void greetings.push(greeter.greet('Ada')) }),
      });
    const { backend } = buildTestBackend({}, [plugin('one'), plugin('two')]);
    await backend.start();
    await backend.stop();
    expect(greetings.sort()).toEqual(['Hello Ada, from one', 'Hello Ada, from two']);
  });

  it('gives way to a factory added to the backend', async () => {
    let greeting = '';
    const { backend } = buildTestBackend({}, [
      createServiceFactory({ service: greeterRef, deps: {}, factory: () => ({ greet: name => `Hi ${name}` }) }),
      createBackendPlugin({
        pluginId: 'one',
        register: env => env.registerInit({ deps: { greeter: greeterRef }, init: async ({ greeter }) => void (greeting = greeter.greet('Ada')) }),
      }),
    ]);
    await backend.start();
    await backend.stop();
    expect(greeting).toBe('Hi Ada');
  });
});
