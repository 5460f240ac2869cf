import request from 'supertest';
import { startInsightsBackend } from './__testUtils__/startInsightsBackend';
import insightsFeatures from './index';

describe('the package (default export)', () => {
  let backend: Awaited<ReturnType<typeof startInsightsBackend>>;
  beforeAll(async () => {
    // Without the scorecards plugin: its module is skipped, the plugin runs.
    backend = await startInsightsBackend({ features: [insightsFeatures] });
  });
  afterAll(() => backend?.cleanup());

  it('serves every route under /api/insights, the push routes with their body limit and permission', async () => {
    const doc = (await request(backend.server).get('/api/insights/openapi.json').expect(200)).body;
    expect(Object.keys(doc.paths).sort()).toEqual(['/breakdown', '/compare', '/deployments', '/events', '/facts', '/incidents', '/metrics', '/pull-requests']);
    expect(doc.paths['/deployments'].post).toMatchObject({ 'x-portico-body-limit': '4mb', 'x-portico-permission': { name: 'insights.events.push' } });
  });
});
