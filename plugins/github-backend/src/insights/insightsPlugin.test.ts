import request from 'supertest';
import { Webhooks } from '@octokit/webhooks';
import { catalogPlugin } from '@portico/plugin-catalog-backend';
import { insightsPlugin } from '@portico/plugin-insights-backend';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import githubFeatures from '../index';
import { FakeGithub } from '../__testUtils__/FakeGithub';
import { WEBHOOK_SECRET } from '../__testUtils__/startGithubBackend';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const component = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n';

describe('the GitHub source through the real insights plugin', () => {
  let fake: FakeGithub;
  let backend: TestBackend;

  beforeAll(async () => {
    fake = await new FakeGithub().start();
    const shop = fake.addRepo('acme', 'shop', { files: { 'catalog-info.yaml': component } });
    // Three PRs merged 10, 20 and 30 hours after opening, each reviewed an hour in, their first commits a day before opening.
    for (const [i, hours] of [10, 20, 30].entries()) {
      const opened = (5 + i) * DAY;
      fake.addPull(shop, { title: `change ${i}`, user: 'alice', state: 'closed', createdAt: at(opened), mergedAt: at(opened - hours * HOUR), closedAt: at(opened - hours * HOUR), firstCommitAt: at(opened + DAY), reviews: [{ user: 'bob', state: 'APPROVED', submittedAt: at(opened - HOUR) }] });
    }
    fake.addDeployment(shop, { environment: 'production', createdAt: at(2 * DAY), statuses: [{ state: 'success', createdAt: at(2 * DAY - 600_000) }] });
    backend = await startTestBackend({
      manualSchedulers: true,
      features: [catalogPlugin, githubFeatures, insightsPlugin],
      config: {
        integrations: { github: [{ host: 'github.com', apiBaseUrl: fake.url, token: 'good', writeIntervalMs: 0 }] },
        github: { webhookSecret: WEBHOOK_SECRET },
        catalog: { providers: { github: { acme: { organization: 'acme' } } }, processingInterval: 'PT1H' },
      },
    });
    await backend.schedulers.triggerTask('github-provider:acme:refresh');
    await eventually(async () => (await request(backend.server).get('/api/catalog/entities/by-name/component/default/shop').expect(200)).body);
  });

  afterAll(async () => {
    await backend.stop();
    await fake.stop();
  });

  const metrics = async () =>
    (await request(backend.server).get('/api/insights/metrics').query({ entityRef: 'component:default/shop', metric: 'prCycleTime,timeToFirstReview,deploymentFrequency,leadTime', interval: 'week' }).expect(200)).body as {
      metrics: Array<{ id: string; value: number | null; sampleSize: number }>;
    };

  it('backfills through the scheduled task, and GET /api/insights/metrics shows the pull requests and the deployment', async () => {
    await backend.schedulers.triggerTask('source:github:backfill');
    const byId = Object.fromEntries((await metrics()).metrics.map(m => [m.id, m]));
    expect(byId.prCycleTime).toMatchObject({ value: 20, sampleSize: 3 });
    expect(byId.timeToFirstReview).toMatchObject({ value: 1, sampleSize: 3 });
    expect(byId.deploymentFrequency).toMatchObject({ sampleSize: 1 });
    // First commit (6, 7 and 8 days ago) to the deployment's end (2 days less 10 minutes ago): a median of 5 days 10 minutes.
    expect(byId.leadTime.sampleSize).toBe(3);
    expect(byId.leadTime.value).toBeCloseTo(120 + 10 / 60, 0);

    const events = await request(backend.server).get('/api/insights/events').query({ entityRef: 'component:default/shop', metric: 'prCycleTime' }).expect(200);
    expect((events.body.items as Array<{ id: string; source: string }>).map(i => `${i.source}:${i.id}`).sort()).toEqual(['github:acme/shop#1', 'github:acme/shop#2', 'github:acme/shop#3']);
  });

  it('counts a deployment a webhook reports', async () => {
    const body = JSON.stringify({
      action: 'created',
      deployment_status: { state: 'success', created_at: at(HOUR) },
      deployment: { id: 9001, sha: 'd'.repeat(40), ref: 'main', environment: 'production', created_at: at(2 * HOUR) },
      repository: { name: 'shop', full_name: 'acme/shop', owner: { login: 'acme' } },
    });
    await request(backend.server)
      .post('/api/github/webhooks')
      .set('content-type', 'application/json')
      .set('x-github-event', 'deployment_status')
      .set('x-github-delivery', 'insights-plugin-1')
      .set('x-hub-signature-256', await new Webhooks({ secret: WEBHOOK_SECRET }).sign(body))
      .send(body)
      .expect(202);
    await eventually(async () => expect((await metrics()).metrics.find(m => m.id === 'deploymentFrequency')).toMatchObject({ sampleSize: 2 }));
  });
});
