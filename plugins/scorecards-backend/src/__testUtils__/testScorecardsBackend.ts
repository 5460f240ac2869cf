import { createBackendModule, type BackendFeature } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import catalogPlugin from '@portico/plugin-catalog-backend';
import { catalogProvidersExtensionPoint, type EntityProviderConnection } from '@portico/plugin-catalog-node';
import { mockServices, startTestBackend, type MockScheduler, type TestBackend } from '@portico/test-utils';
import { scorecardsPlugin } from '../plugin';

/** A catalog entity provider the test drives: `set(entities)` replaces what it provides. */
export interface TestEntityProvider {
  module: BackendFeature;
  set(entities: Entity[]): Promise<void>;
}

export function createTestEntityProvider(initial: Entity[]): TestEntityProvider {
  let connection: EntityProviderConnection | undefined;
  const full = (entities: Entity[]) => ({ type: 'full' as const, entities: entities.map(entity => ({ entity, locationKey: 'scorecards-test' })) });
  const module = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'scorecards-test-entities',
    register(env) {
      env.registerInit({
        deps: { providers: catalogProvidersExtensionPoint },
        async init({ providers }) {
          providers.addEntityProvider({
            getProviderName: () => 'scorecards-test',
            async connect(c) {
              connection = c;
              await c.applyMutation(full(initial));
            },
          });
        },
      });
    },
  });
  return {
    module,
    async set(entities) {
      if (!connection) throw new Error('provider not connected');
      await connection.applyMutation(full(entities));
    },
  };
}

export interface ScorecardsTestBackend extends TestBackend {
  provider: TestEntityProvider;
  /** The scorecards plugin's scheduler: tasks run only when triggered. */
  scheduler: MockScheduler;
}

/** Starts the catalog and the scorecards plugin with a test entity provider and manual schedulers. */
export async function startScorecardsBackend(options: {
  entities: Entity[];
  config?: Record<string, unknown>;
  features?: BackendFeature[];
}): Promise<ScorecardsTestBackend> {
  const provider = createTestEntityProvider(options.entities);
  const schedulers = new Map<string, MockScheduler>();
  const backend = await startTestBackend({
    features: [catalogPlugin, scorecardsPlugin, provider.module, ...(options.features ?? [])],
    services: [mockServices.scheduler.factory((pluginId, s) => schedulers.set(pluginId, s)), mockServices.rootLogger.factory()],
    config: options.config,
  });
  return { ...backend, provider, scheduler: schedulers.get('scorecards')! };
}

export function component(name: string, extra: { spec?: Record<string, unknown>; metadata?: Partial<Entity['metadata']> } = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, ...extra.metadata },
    spec: { type: 'service', lifecycle: 'production', owner: 'team-a', ...extra.spec },
  };
}

export const teamA: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } };
export const platform: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform' }, spec: { type: 'team', children: [] } };

export function scorecard(spec: Record<string, unknown>, name = 'production-readiness'): Entity {
  return { apiVersion: 'portico.dev/v1alpha1', kind: 'Scorecard', metadata: { name, title: 'Production readiness' }, spec };
}

export const readinessSpec = {
  owner: 'group:default/platform',
  filter: { kind: 'component', 'spec.type': 'service' },
  levels: [
    { name: 'Bronze', rank: 1, color: '#c38b5f' },
    { name: 'Silver', rank: 2, color: '#8c9298' },
    { name: 'Gold', rank: 3, color: '#cda400' },
  ],
  rules: [
    { id: 'has-owner', title: 'Has an owner', type: 'binary', params: { fact: 'catalog.hasOwner' }, level: 'Bronze' },
    { id: 'has-runbook', type: 'binary', params: { fact: 'catalog.hasRunbook' }, level: 'Silver', weight: 2 },
    { id: 'coverage', type: 'target', params: { fact: 'coverage.percent', min: 80 }, level: 'Gold' },
  ],
  schedule: 'PT1H',
};
