import { createPermission, type EvaluatePermissionRequest } from '@portico/permission-common';
import type { DiscoveryApi, FetchApi } from '@portico/frontend-plugin-api';
import { BatchingPermissionApi } from './BatchingPermissionApi';

const discoveryApi: DiscoveryApi = { getBaseUrl: async id => `http://localhost/api/${id}` };
const read = createPermission({ name: 'catalog.entity.read', resourceType: 'catalog-entity' });
const register = createPermission({ name: 'catalog.location.create' });

function permissionBackend(answer: (item: EvaluatePermissionRequest) => { result: 'ALLOW' | 'DENY'; reason?: string }, status = 200) {
  const bodies: Array<{ items: EvaluatePermissionRequest[] }> = [];
  const urls: string[] = [];
  const fetchApi: FetchApi = {
    fetch: async (input, init) => {
      urls.push(String(input));
      const body = JSON.parse(String(init?.body)) as { items: EvaluatePermissionRequest[] };
      bodies.push(body);
      if (status !== 200) return new Response(JSON.stringify({ error: { name: 'Error', message: 'policy down' } }), { status });
      return Response.json({ items: body.items.map(item => ({ id: item.id, ...answer(item) })) });
    },
  };
  return { fetchApi, bodies, urls };
}

describe('BatchingPermissionApi', () => {
  it('sends the questions of one tick as one request and answers each', async () => {
    const backend = permissionBackend(item =>
      item.resourceRef === 'component:default/secret' ? { result: 'DENY', reason: 'Not yours' } : { result: 'ALLOW' },
    );
    const api = new BatchingPermissionApi({ discoveryApi, fetchApi: backend.fetchApi });
    const answers = await Promise.all([
      api.authorize({ permission: read, resourceRef: 'component:default/open' }),
      api.authorize({ permission: read, resourceRef: 'component:default/secret' }),
      api.authorize({ permission: register }),
      api.authorize({ permission: register }),
    ]);
    expect(answers).toEqual([{ result: 'ALLOW' }, { result: 'DENY', reason: 'Not yours' }, { result: 'ALLOW' }, { result: 'ALLOW' }]);
    expect(backend.urls).toEqual(['http://localhost/api/permission/authorize']);
    expect(backend.bodies[0].items).toEqual([
      { id: '0', permission: read, resourceRef: 'component:default/open' },
      { id: '1', permission: read, resourceRef: 'component:default/secret' },
      { id: '2', permission: register },
    ]);
  });

  it('starts a new batch for questions asked later', async () => {
    const backend = permissionBackend(() => ({ result: 'ALLOW' }));
    const api = new BatchingPermissionApi({ discoveryApi, fetchApi: backend.fetchApi });
    await api.authorize({ permission: register });
    await api.authorize({ permission: register });
    expect(backend.bodies).toHaveLength(2);
  });

  it('rejects every question of a batch the backend refused', async () => {
    const backend = permissionBackend(() => ({ result: 'ALLOW' }), 503);
    const api = new BatchingPermissionApi({ discoveryApi, fetchApi: backend.fetchApi });
    const results = await Promise.allSettled([api.authorize({ permission: register }), api.authorize({ permission: read, resourceRef: 'x:y/z' })]);
    expect(results.map(r => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.message).toContain('policy down');
  });
});
