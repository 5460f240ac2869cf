import type { BackendFeature } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import catalogPlugin from '@portico/plugin-catalog-backend';
import { createTestEntityProvider, type TestEntityProvider } from '@portico/plugin-catalog-node/testing';
import { startTestBackend, type MockScheduler, type TestBackend } from '@portico/test-utils';
import { scorecardsPlugin } from '../plugin';

export interface ScorecardsTestBackend extends TestBackend {
  /** Drives the catalog's entities: `provider.set(entities)` replaces them. */
  provider: TestEntityProvider;
  /** The scorecards plugin's scheduler: tasks run only when triggered. */
  scheduler: MockScheduler;
}

/** The fixture of the scorecards tests: the catalog and scorecards, entities from a test provider, manual schedulers. */
export async function startScorecardsBackend(options: {
  entities: Entity[];
  config?: Record<string, unknown>;
  features?: BackendFeature[];
}): Promise<ScorecardsTestBackend> {
  const provider = createTestEntityProvider({ name: 'scorecards-test', entities: options.entities });
  const backend = await startTestBackend({
    features: [catalogPlugin, scorecardsPlugin, provider.module, ...(options.features ?? [])],
    config: options.config,
    manualSchedulers: true,
  });
  return { ...backend, provider, scheduler: backend.schedulers.get('scorecards') };
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
