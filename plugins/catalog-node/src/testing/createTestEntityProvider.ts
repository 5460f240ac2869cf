import { createBackendModule, type BackendFeature } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import { catalogProvidersExtensionPoint } from '../extensionPoints';
import type { EntityProviderConnection } from '../providers';

/** A catalog entity provider a test drives: add `module` to the backend, then `set` what it provides. */
export interface TestEntityProvider {
  /** The `catalog` module that adds the provider; pass it to `startTestBackend` beside the catalog plugin. */
  readonly module: BackendFeature;
  /** Replaces everything the provider provides (a full mutation), once the catalog has connected it. */
  set(entities: Entity[]): Promise<void>;
  /** The provider's connection, for delta mutations, refreshes and errors; throws before the catalog connects it. */
  readonly connection: EntityProviderConnection;
}

export interface CreateTestEntityProviderOptions {
  /** Provider name, module id and location key of its entities (lower-case letters, digits, dashes). Default `test-provider`. */
  name?: string;
  /** What it provides as soon as the catalog connects it; nothing is applied at connect when absent. */
  entities?: Entity[];
}

/** A provider for tests: entities in, no source to read. */
export function createTestEntityProvider(options: CreateTestEntityProviderOptions = {}): TestEntityProvider {
  const name = options.name ?? 'test-provider';
  let connection: EntityProviderConnection | undefined;
  const full = (entities: Entity[]) => ({ type: 'full' as const, entities: entities.map(entity => ({ entity, locationKey: name })) });
  const connected = () => {
    if (!connection) throw new Error(`Test entity provider '${name}' is not connected: start the backend with its module and the catalog first`);
    return connection;
  };
  const module = createBackendModule({
    pluginId: 'catalog',
    moduleId: name,
    register(env) {
      env.registerInit({
        deps: { providers: catalogProvidersExtensionPoint },
        async init({ providers }) {
          providers.addEntityProvider({
            getProviderName: () => name,
            async connect(c) {
              connection = c;
              if (options.entities) await c.applyMutation(full(options.entities));
            },
          });
        },
      });
    },
  });
  return {
    module,
    async set(entities) {
      await connected().applyMutation(full(entities));
    },
    get connection() {
      return connected();
    },
  };
}
