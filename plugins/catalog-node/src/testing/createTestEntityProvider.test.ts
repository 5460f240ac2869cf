import type { Entity } from '@portico/catalog-model';
import type { EntityProvider, EntityProviderMutation } from '../providers';
import { createTestEntityProvider } from './createTestEntityProvider';

const group = (name: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name }, spec: { type: 'team', children: [] } });

/** Runs the module's init as the catalog would and connects the provider it adds. */
async function connect(module: ReturnType<typeof createTestEntityProvider>['module']) {
  const added: EntityProvider[] = [];
  const mutations: EntityProviderMutation[] = [];
  const registration = (module as { getRegistration(): { pluginId: string; init: { init(deps: unknown, context: unknown): Promise<void> } } }).getRegistration();
  await registration.init.init({ providers: { addEntityProvider: (...p: EntityProvider[]) => added.push(...p) } }, { pluginConfig: undefined });
  await added[0].connect({ applyMutation: async m => void mutations.push(m), refresh: async () => undefined });
  return { registration, provider: added[0], mutations };
}

describe('createTestEntityProvider', () => {
  it('adds a catalog provider that applies its entities on connect and replaces them on set', async () => {
    const test = createTestEntityProvider({ name: 'teams', entities: [group('a')] });
    const { registration, provider, mutations } = await connect(test.module);
    expect(registration.pluginId).toBe('catalog');
    expect(provider.getProviderName()).toBe('teams');
    await test.set([group('b')]);
    expect(mutations).toEqual([
      { type: 'full', entities: [{ entity: group('a'), locationKey: 'teams' }] },
      { type: 'full', entities: [{ entity: group('b'), locationKey: 'teams' }] },
    ]);
  });

  it('applies nothing at connect without entities, and says so when driven before the catalog connects it', async () => {
    const test = createTestEntityProvider();
    await expect(test.set([])).rejects.toThrow("Test entity provider 'test-provider' is not connected");
    expect(() => test.connection).toThrow('is not connected');
    const { mutations } = await connect(test.module);
    expect(mutations).toEqual([]);
    await test.connection.applyMutation({ type: 'delta', added: [{ entity: group('c') }], removed: [] });
    expect(mutations).toHaveLength(1);
  });
});
