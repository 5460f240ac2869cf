import request from 'supertest';
import { startInsightsBackend } from './__testUtils__/startInsightsBackend';
import { insightsPlugin } from './plugin';

const CI_TOKEN = 'ci-token-0123456789abcdefghijklmnop';
const CATALOG_ONLY_TOKEN = 'catalog-reader-0123456789abcdefghij';
const NO_PUSH_TOKEN = 'insights-no-push-0123456789abcdefgh';
const ADMIN_TOKEN = 'admin-token-0123456789abcdefghijklmn';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The CI setup docs/insights.md describes: an external token restricted to the insights plugin and the push permission. */
describe('pushing from CI with an external access token', () => {
  let backend: Awaited<ReturnType<typeof startInsightsBackend>>;
  beforeAll(async () => {
    backend = await startInsightsBackend({
      auth: 'real',
      authorization: `Bearer ${ADMIN_TOKEN}`,
      features: [insightsPlugin],
      config: {
        backend: {
          baseUrl: 'http://localhost:7007',
          auth: {
            externalAccess: [
              { token: CI_TOKEN, subject: 'github-actions', accessRestrictions: { plugins: ['insights'], permissions: ['insights.events.push'] } },
              { token: CATALOG_ONLY_TOKEN, subject: 'catalog-reader', accessRestrictions: { plugins: ['catalog'] } },
              { token: NO_PUSH_TOKEN, subject: 'dashboards', accessRestrictions: { plugins: ['insights'], permissions: ['catalog.entity.read'] } },
              { token: ADMIN_TOKEN, subject: 'admin' },
            ],
          },
        },
      },
    });
  });
  afterAll(() => backend?.cleanup());

  const body = {
    deployments: [
      {
        id: 'gha-1001',
        entityRef: 'component:default/web-shop',
        environment: 'production',
        status: 'succeeded',
        startedAt: new Date(Date.now() - 600_000).toISOString(),
        finishedAt: new Date(Date.now() - 60_000).toISOString(),
        commitSha: 'f00dfeed',
        source: 'github-actions',
      },
    ],
  };

  it('accepts a push with the CI token; the entity check runs as the plugin, not as the restricted token', async () => {
    const res = await request(backend.server).post('/api/insights/deployments').set(bearer(CI_TOKEN)).send(body).expect(202);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
    expect((await request(backend.server).post('/api/insights/deployments').set(bearer(CI_TOKEN)).send(body).expect(202)).body).toEqual({ accepted: 0, duplicates: 1 });
  });

  it('still names an unknown entity to the CI token', async () => {
    const res = await request(backend.server)
      .post('/api/insights/deployments')
      .set(bearer(CI_TOKEN))
      .send({ deployments: [{ ...body.deployments[0], id: 'gha-1002', entityRef: 'component:default/ghost' }] })
      .expect(400);
    expect(res.body.error.message).toBe('deployments[0].entityRef: no entity component:default/ghost in the catalog');
  });

  it('refuses a push without a token (401), with a token restricted to another plugin (403) or without the push permission (403)', async () => {
    await request(backend.server).post('/api/insights/deployments').send(body).expect(401);
    const otherPlugin = await request(backend.server).post('/api/insights/deployments').set(bearer(CATALOG_ONLY_TOKEN)).send(body).expect(403);
    expect(otherPlugin.body.error.message).toMatch(/may not call plugin 'insights'/);
    const noPush = await request(backend.server).post('/api/insights/deployments').set(bearer(NO_PUSH_TOKEN)).send(body).expect(403);
    expect(noPush.body.error.message).toMatch(/not allowed 'insights.events.push'/);
  });

  it('keeps the CI token away from other plugins', async () => {
    await request(backend.server).get('/api/catalog/entities').set(bearer(CI_TOKEN)).expect(403);
  });
});
