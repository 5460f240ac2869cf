import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import catalogPlugin from '@portico/plugin-catalog-backend';
import type { BackendFeature, ServiceFactory } from '@portico/backend-plugin-api';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';

/** The example organisation of the insights tests: two components of team-a, one of team-b, a system. */
export const ENTITIES = [
  { kind: 'Group', name: 'team-a', spec: { type: 'team', children: [] } },
  { kind: 'Group', name: 'team-b', spec: { type: 'team', children: [] } },
  { kind: 'System', name: 'shop', spec: { owner: 'team-a' } },
  { kind: 'Component', name: 'web-shop', spec: { type: 'service', lifecycle: 'production', owner: 'team-a', system: 'shop' } },
  { kind: 'Component', name: 'api', spec: { type: 'service', lifecycle: 'production', owner: 'team-a', system: 'shop' } },
  { kind: 'Component', name: 'billing', spec: { type: 'service', lifecycle: 'production', owner: 'team-b' } },
];

function yamlOf(entities: typeof ENTITIES): string {
  return entities.map(e => JSON.stringify({ apiVersion: 'backstage.io/v1alpha1', kind: e.kind, metadata: { name: e.name }, spec: e.spec })).join('\n---\n');
}

/**
 * The catalog (reading ENTITIES from a file) and the given insights features, waiting until the catalog holds every
 * entity. `database` points every plugin at a test database (default: in-memory SQLite per plugin).
 */
export async function startInsightsBackend(options: {
  features: Array<BackendFeature | BackendFeature[]>;
  config?: Record<string, unknown>;
  services?: ServiceFactory[];
  auth?: 'mock' | 'real';
  manualSchedulers?: boolean;
  database?: Record<string, unknown>;
  /** The Authorization header that may read the catalog (with auth 'real'). */
  authorization?: string;
}): Promise<TestBackend & { cleanup(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'insights-'));
  const file = path.join(dir, 'catalog-info.yaml');
  fs.writeFileSync(file, yamlOf(ENTITIES));
  const { backend: backendConfig, ...config } = (options.config ?? {}) as { backend?: Record<string, unknown> };
  const backend = await startTestBackend({
    manualSchedulers: options.manualSchedulers,
    auth: options.auth,
    services: options.services,
    features: [catalogPlugin, ...options.features],
    config: {
      ...config,
      backend: { ...backendConfig, ...(options.database ? { database: options.database } : {}) },
      integrations: { file: { roots: [dir] } },
      catalog: { locations: [{ type: 'file', target: file }], processingInterval: 'PT1H' },
    },
  }).catch(error => {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  const cleanup = async () => {
    await backend.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(async () => {
      const res = await request(backend.server)
        .post('/api/catalog/entities/by-refs')
        .set(options.authorization ? { authorization: options.authorization } : {})
        .send({ entityRefs: ENTITIES.map(e => `${e.kind.toLowerCase()}:default/${e.name}`) });
      expect(res.status).toBe(200);
      expect(res.body.items.every(Boolean)).toBe(true);
    });
  } catch (error) {
    await cleanup();
    throw error;
  }
  return Object.assign(backend, { cleanup });
}
