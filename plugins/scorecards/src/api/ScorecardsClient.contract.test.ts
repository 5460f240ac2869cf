import path from 'node:path';
import catalogPlugin from '@portico/plugin-catalog-backend';
import { scorecardsPlugin } from '@portico/plugin-scorecards-backend';
import { eventually, mockCredentials, mockServices, startTestBackend, type TestBackend } from '@portico/test-utils';
import { ScorecardsClient } from './ScorecardsClient';

// The client against the real backend with the example scorecards, so the UI's types and the API cannot drift apart.
const examples = path.resolve(__dirname, '../../../../examples');
const PROD = 'scorecard:default/production-readiness';
const CART = 'component:default/cart-service';

describe('ScorecardsClient against the scorecards backend', () => {
  let backend: TestBackend;
  let client: ScorecardsClient;

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [catalogPlugin, scorecardsPlugin],
      services: [mockServices.scheduler.factory()],
      config: {
        integrations: { file: { roots: [examples] } },
        catalog: {
          locations: [
            { type: 'file', target: path.join(examples, 'catalog/all.yaml') },
            { type: 'file', target: path.join(examples, 'scorecards/location.yaml') },
          ],
        },
      },
    });
    client = new ScorecardsClient({ discoveryApi: { getBaseUrl: async id => `${backend.url}/api/${id}` } });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('reads scorecards, results, trends and an entity’s rules in the shapes the views use', async () => {
    const results = await eventually(async () => {
      const page = await client.getResults(PROD, { limit: 100 });
      expect(page.totalItems).toBeGreaterThan(5);
      return page;
    });
    const cart = results.items.find(r => r.entityRef === CART);
    expect(cart).toMatchObject({ scorecardRef: PROD, levelRank: expect.any(Number), score: expect.any(Number) });
    expect(cart?.failingRules).toContain('coverage');

    const scorecard = await client.getScorecard(PROD);
    expect(scorecard).toMatchObject({ ref: PROD, title: 'Production readiness', errors: [] });
    expect(Object.values(scorecard.distribution).reduce((a, b) => a + b, 0)).toBe(results.totalItems);
    expect((await client.getScorecards()).map(s => s.ref)).toContain(PROD);
    expect(Array.isArray(await client.getTrends(PROD))).toBe(true);

    const owner = cart?.owner;
    if (owner) {
      const owned = await client.getResults(PROD, { owner });
      expect(owned.items.every(r => r.owner === owner)).toBe(true);
      const acrossScorecards = await client.getResultsOfOwners({ owners: [owner, 'user:default/nobody'] });
      expect(acrossScorecards.items.map(r => `${r.scorecardRef} ${r.entityRef}`)).toContain(`${PROD} ${CART}`);
      expect(acrossScorecards.items.every(r => r.owner === owner && Array.isArray(r.failingRules))).toBe(true);
      expect(Array.isArray(await client.getInitiatives({ owners: [owner] }))).toBe(true);
    }

    const entity = await client.getEntityScorecards(CART);
    const prod = entity.scorecards.find(s => s.scorecardRef === PROD);
    expect(prod?.levels.map(l => l.name)).toEqual(['Bronze', 'Silver', 'Gold']);
    expect(prod?.ruleDetails.find(r => r.id === 'coverage')?.title).toBeTruthy();
    expect(prod?.rules.find(r => r.ruleId === 'coverage')).toMatchObject({ status: expect.stringMatching(/fail|unknown/), exempted: false });

    const evaluated = await client.evaluate({ entityRef: CART });
    expect(evaluated.errors).toEqual([]);
    expect(evaluated.results.map(r => r.scorecardRef)).toContain(PROD);
  });

  it('requests an exemption, lists it as pending and lets it be decided', async () => {
    await eventually(async () => expect((await client.getEntityScorecards(CART)).scorecards.length).toBeGreaterThan(0));
    const expiresAt = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
    const requested = await client.requestExemption({ scorecardRef: PROD, entityRef: CART, ruleId: 'coverage', reason: 'CI is being moved', expiresAt });
    expect(requested).toMatchObject({ status: 'pending', ruleId: 'coverage' });
    expect((await client.getExemptions({ entityRef: CART, status: 'pending' })).map(e => e.id)).toContain(requested.id);
    expect(await client.getExemption(requested.id)).toMatchObject({ reason: 'CI is being moved' });
    // The requester (the guest here) may not decide it: another owner does, with their own token.
    await expect(client.decideExemption(requested.id, { status: 'approved', comment: 'mine' })).rejects.toMatchObject({ statusCode: 403 });
    const reviewer = mockCredentials.user('user:default/reviewer', ['user:default/reviewer', 'group:default/platform']);
    const asReviewer = new ScorecardsClient({
      discoveryApi: { getBaseUrl: async id => `${backend.url}/api/${id}` },
      fetchApi: { fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: reviewer.header() } }) },
    });
    const decided = await asReviewer.decideExemption(requested.id, { status: 'approved', comment: 'ok' });
    expect(decided).toMatchObject({ status: 'approved', comment: 'ok' });
    // Platform's notifications are read by a member of platform, not by the guest.
    await expect(client.getNotifications({ recipient: 'group:default/platform' })).rejects.toMatchObject({ statusCode: 403 });
    const notes = await asReviewer.getNotifications({ recipient: 'group:default/platform' });
    expect(notes.map(n => n.kind)).toContain('exemption-requested');
  });

  it('says what is wrong with a bad exemption request', async () => {
    await expect(
      client.requestExemption({ scorecardRef: PROD, entityRef: CART, ruleId: 'no-such-rule', reason: 'x', expiresAt: '2099-01-01T00:00:00Z' }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining('no-such-rule') });
  });
});
