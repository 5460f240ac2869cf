import request from 'supertest';
import { MAX_PUSH_BATCH } from '@portico/plugin-insights-common';
import { describeEachDatabase, mockCredentials, mockServices } from '@portico/test-utils';
import { startInsightsBackend } from './__testUtils__/startInsightsBackend';
import { insightsPlugin } from './plugin';

const HOUR = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

function deployment(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    entityRef: 'web-shop',
    environment: 'production',
    version: '1.4.0',
    commitSha: 'a1b2c3d',
    status: 'succeeded',
    startedAt: ago(3 * HOUR),
    finishedAt: ago(2 * HOUR),
    source: 'ci',
    ...overrides,
  };
}

describeEachDatabase('POST /api/insights/deployments, /incidents, /pull-requests', db => {
  // Nested, so the backend stops before the test database is dropped.
  describe('the push routes', () => {
    let backend: Awaited<ReturnType<typeof startInsightsBackend>>;
    const push = (path: string, body: unknown) => request(backend.server).post(`/api/insights${path}`).send(body as object);

    beforeAll(async () => {
      backend = await startInsightsBackend({ features: [insightsPlugin], database: db.config });
    });
    afterAll(() => backend?.cleanup());

    it('answers 202 with the items accepted, and counts an identical re-send as duplicates', async () => {
      const batch = { deployments: [deployment('run-1'), deployment('run-2', { entityRef: 'component:default/api' })] };
      expect((await push('/deployments', batch).expect(202)).body).toEqual({ accepted: 2, duplicates: 0 });
      expect((await push('/deployments', batch).expect(202)).body).toEqual({ accepted: 0, duplicates: 2 });
    });

    it('stores an item sent twice in one batch once', async () => {
      const item = deployment('twice');
      const res = await push('/deployments', { deployments: [item, { ...item }] }).expect(202);
      expect(res.body).toEqual({ accepted: 1, duplicates: 1 });
    });

    it('accepts a changed item (an incident resolved, a PR merged) and replaces the stored one', async () => {
      const opened = { id: 'INC-7', entityRef: 'web-shop', openedAt: ago(5 * HOUR), severity: 'SEV2', source: 'pagerduty' };
      expect((await push('/incidents', { incidents: [opened] }).expect(202)).body).toEqual({ accepted: 1, duplicates: 0 });
      const resolved = { ...opened, resolvedAt: ago(4 * HOUR) };
      expect((await push('/incidents', { incidents: [resolved] }).expect(202)).body).toEqual({ accepted: 1, duplicates: 0 });
      expect((await push('/incidents', { incidents: [resolved] }).expect(202)).body).toEqual({ accepted: 0, duplicates: 1 });

      const pr = { id: 'shop#12', entityRef: 'web-shop', number: 12, createdAt: ago(30 * HOUR), additions: 40, deletions: 3, source: 'gitlab' };
      expect((await push('/pull-requests', { pullRequests: [pr] }).expect(202)).body).toEqual({ accepted: 1, duplicates: 0 });
      const merged = { ...pr, firstReviewAt: ago(20 * HOUR), mergedAt: ago(10 * HOUR), deployedIn: 'run-1', firstCommitAt: ago(40 * HOUR) };
      expect((await push('/pull-requests', { pullRequests: [merged] }).expect(202)).body).toEqual({ accepted: 1, duplicates: 0 });
    });

    it('reads an entity ref without kind or namespace as a component in default, case-insensitively', async () => {
      const res = await push('/deployments', { deployments: [deployment('refs-1', { entityRef: 'Web-Shop' }), deployment('refs-2', { entityRef: 'component:default/api' })] });
      expect(res.status).toBe(202);
    });

    const refused = async (path: string, body: unknown, message: string | RegExp) => {
      const res = await push(path, body).expect(400);
      expect(res.body.error.name).toBe('InputError');
      expect(res.body.error.message).toMatch(message);
      return res.body.error;
    };

    it('refuses an unknown entity, naming the item and the ref', async () => {
      const error = await refused('/deployments', { deployments: [deployment('u-1'), deployment('u-2', { entityRef: 'component:default/no-such' })] }, 'deployments[1].entityRef: no entity component:default/no-such in the catalog');
      expect(error.details.issues).toEqual([{ path: 'deployments[1].entityRef', message: 'no entity component:default/no-such in the catalog' }]);
    });

    it('refuses a time in the future and one before 2000', async () => {
      const future = new Date(Date.now() + 2 * HOUR).toISOString();
      await refused('/deployments', { deployments: [deployment('f', { startedAt: null, finishedAt: future })] }, new RegExp(`^deployments\\[0\\]\\.finishedAt: ${future.replace(/[.]/g, '\\.')} is in the future`));
      await refused('/incidents', { incidents: [{ id: 'old', entityRef: 'web-shop', openedAt: '1999-12-31T23:59:59Z', source: 'pd' }] }, 'incidents[0].openedAt: 1999-12-31T23:59:59Z is before 2000-01-01T00:00:00Z');
    });

    it('refuses a deployment finished before it started, and a PR merged before it was opened', async () => {
      await refused('/deployments', { deployments: [deployment('ok'), deployment('order', { startedAt: ago(HOUR), finishedAt: ago(2 * HOUR) })] }, /^deployments\[1\]\.finishedAt: is before startedAt \(/);
      await refused('/pull-requests', { pullRequests: [{ id: 'p', entityRef: 'api', number: 1, createdAt: ago(HOUR), mergedAt: ago(2 * HOUR), source: 'gh' }] }, /^pullRequests\[0\]\.mergedAt: is before createdAt/);
    });

    it('refuses a status outside the contract, an unknown field, a time without a zone and a missing field', async () => {
      await refused('/deployments', { deployments: [deployment('s', { status: 'done' })] }, /^deployments\[0\]\.status: Invalid option: expected one of "succeeded"\|"failed"\|"rolled_back"/);
      await refused('/deployments', { deployments: [deployment('x', { branch: 'main' })] }, 'deployments[0].branch: is not a field of a deployment');
      await refused('/deployments', { deployments: [deployment('z', { finishedAt: '2026-11-01 10:00' })] }, 'deployments[0].finishedAt: is not an ISO 8601 time with a zone');
      const { finishedAt, ...noFinish } = deployment('m');
      expect(finishedAt).toBeDefined();
      await refused('/deployments', { deployments: [noFinish] }, /^deployments\[0\]\.finishedAt: /);
      await refused('/deployments', { deployments: ['run-9'] }, /^deployments\[0\]: Invalid input: expected object/);
      await refused('/deployments', { deploys: [] }, /^body\./);
    });

    it('refuses a string holding a NUL character, which PostgreSQL cannot store, and stores nothing of the batch', async () => {
      await refused('/deployments', { deployments: [deployment('nul-ok'), deployment('nul', { version: '1.0\u0000' })] }, 'deployments[1].version: contains a NUL character (\\u0000), which cannot be stored');
      await refused(
        '/pull-requests',
        { pullRequests: [{ id: 'p-nul', entityRef: 'api', number: 1, createdAt: ago(HOUR), reviewers: ['ada', 'b\u0000b'], source: 'gh' }] },
        'pullRequests[0].reviewers: contains a NUL character',
      );
      expect((await push('/deployments', { deployments: [deployment('nul-ok')] }).expect(202)).body).toEqual({ accepted: 1, duplicates: 0 });
    });

    it('refuses one id sent twice with different contents, naming both items', async () => {
      await refused('/deployments', { deployments: [deployment('same'), deployment('other'), deployment('same', { status: 'failed' })] }, 'deployments[2].id: repeats deployments[0] (source ci, id same) with different contents');
    });

    it('stores nothing of a refused batch', async () => {
      await refused('/deployments', { deployments: [deployment('atomic-1'), deployment('atomic-2', { entityRef: 'nobody' })] }, /deployments\[1\]/);
      expect((await push('/deployments', { deployments: [deployment('atomic-1')] }).expect(202)).body).toEqual({ accepted: 1, duplicates: 0 });
    });

    it('shows pushed events in the metrics at once, and a replaced item replaces its contribution', async () => {
      const finished = ago(50 * HOUR);
      await push('/deployments', { deployments: [deployment('e2e-1', { entityRef: 'billing', startedAt: null, finishedAt: finished })] }).expect(202);
      const incident = { id: 'INC-e2e', entityRef: 'billing', openedAt: ago(49 * HOUR), source: 'pagerduty' };
      await push('/incidents', { incidents: [incident] }).expect(202);
      const metrics = async () => {
        const res = await request(backend.server).get('/api/insights/metrics?entityRef=billing&metric=deploymentFrequency,timeToRestore&interval=day').expect(200);
        return Object.fromEntries(res.body.metrics.map((m: { id: string; value: number | null; sampleSize: number }) => [m.id, [m.value, m.sampleSize]]));
      };
      expect(await metrics()).toEqual({ deploymentFrequency: [1 / 30, 1], timeToRestore: [null, 0] });
      // The open incident is resolved: the same id, changed, replaces it.
      await push('/incidents', { incidents: [{ ...incident, resolvedAt: ago(47 * HOUR) }] }).expect(202);
      const after = await metrics();
      expect(after.timeToRestore[1]).toBe(1);
      expect(after.timeToRestore[0]).toBeCloseTo(2, 1);
      const events = await request(backend.server).get('/api/insights/events?entityRef=billing&metric=changeFailureRate').expect(200);
      expect(events.body.items).toEqual([expect.objectContaining({ type: 'deployment', id: 'e2e-1', value: 1, reason: expect.stringContaining('INC-e2e') })]);
    });

    it(`answers 413 naming the limit for more than ${MAX_PUSH_BATCH} items`, async () => {
      const items = Array.from({ length: MAX_PUSH_BATCH + 1 }, (_, i) => deployment(`big-${i}`));
      const res = await push('/deployments', { deployments: items }).expect(413);
      expect(res.body.error).toMatchObject({ name: 'PayloadTooLargeError', message: expect.stringContaining(`over the limit of ${MAX_PUSH_BATCH} per request`) });
    });

    it(`accepts exactly ${MAX_PUSH_BATCH} items in one request`, async () => {
      const items = Array.from({ length: MAX_PUSH_BATCH }, (_, i) => deployment(`full-${i}`, { finishedAt: ago(2 * HOUR + i * 1000), startedAt: null }));
      expect((await push('/deployments', { deployments: items }).expect(202)).body).toEqual({ accepted: MAX_PUSH_BATCH, duplicates: 0 });
    });
  });
});

describe('the push permission', () => {
  let backend: Awaited<ReturnType<typeof startInsightsBackend>>;
  beforeAll(async () => {
    backend = await startInsightsBackend({
      features: [insightsPlugin],
      // Only the CI service may push; users may read.
      services: [mockServices.permissions.factory((query, credentials) => (query.permission.name === 'insights.events.push' && credentials.principal.type !== 'service' ? 'DENY' : 'ALLOW'))],
    });
  });
  afterAll(() => backend?.cleanup());

  it('answers 403 to a caller without insights.events.push', async () => {
    const res = await request(backend.server)
      .post('/api/insights/deployments')
      .set('authorization', mockCredentials.user('user:default/ada').header())
      .send({ deployments: [deployment('denied')] })
      .expect(403);
    expect(res.body.error.name).toBe('NotAllowedError');
  });

  it('answers 202 to the CI service', async () => {
    await request(backend.server)
      .post('/api/insights/deployments')
      .set('authorization', mockCredentials.service('external:ci').header())
      .send({ deployments: [deployment('allowed')] })
      .expect(202);
  });
});
