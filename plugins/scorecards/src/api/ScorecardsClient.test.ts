import { ResponseError } from '@portico/errors';
import { ScorecardsClient } from './ScorecardsClient';

function setup(respond: (url: string, init?: RequestInit) => Response) {
  const calls: Array<{ url: string; method: string; body?: unknown }> = [];
  const fetchApi = {
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input);
      calls.push({ url, method: init?.method ?? 'GET', body: init?.body ? JSON.parse(String(init.body)) : undefined });
      return respond(url, init);
    }) as typeof fetch,
  };
  const client = new ScorecardsClient({ discoveryApi: { getBaseUrl: async id => `http://host/api/${id}` }, fetchApi });
  return { client, calls };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('ScorecardsClient', () => {
  it('lists scorecards and reads results with the filters and cursor as query parameters', async () => {
    const { client, calls } = setup(url =>
      url.endsWith('/scorecards') ? json({ items: [{ ref: 'scorecard:default/prod' }] }) : json({ items: [], totalItems: 0, pageInfo: {} }),
    );
    expect(await client.getScorecards()).toEqual([{ ref: 'scorecard:default/prod' }]);
    await client.getResults('scorecard:default/prod', { owner: 'group:default/team-a', level: 'none', cursor: 'abc', limit: 20 });
    await client.getResults('prod');
    expect(calls.map(c => c.url)).toEqual([
      'http://host/api/scorecards/scorecards',
      'http://host/api/scorecards/scorecards/default/prod/results?owner=group%3Adefault%2Fteam-a&level=none&cursor=abc&limit=20',
      'http://host/api/scorecards/scorecards/default/prod/results',
    ]);
  });

  it('asks for results and initiatives of several owners with the owner parameter repeated', async () => {
    const { client, calls } = setup(() => json({ items: [], totalItems: 0 }));
    await client.getResultsOfOwners({ owners: ['user:default/jane', 'group:default/team-a'], limit: 50 });
    await client.getInitiatives({ owners: ['user:default/jane', 'group:default/team-a'] });
    expect(calls.map(c => c.url)).toEqual([
      'http://host/api/scorecards/results?owner=user%3Adefault%2Fjane&owner=group%3Adefault%2Fteam-a&limit=50',
      'http://host/api/scorecards/initiatives?owner=user%3Adefault%2Fjane&owner=group%3Adefault%2Fteam-a',
    ]);
  });

  it('reads an entity’s scorecards by kind, namespace and name, and trends by scorecard', async () => {
    const { client, calls } = setup(url => (url.includes('/trends') ? json({ items: [{ total: 1 }] }) : json({ entityRef: 'x', scorecards: [] })));
    await client.getEntityScorecards('component:default/checkout');
    expect(await client.getTrends('scorecard:ops/prod', { since: '2026-11-01T00:00:00Z' })).toEqual([{ total: 1 }]);
    expect(calls.map(c => c.url)).toEqual([
      'http://host/api/scorecards/entities/component/default/checkout',
      'http://host/api/scorecards/scorecards/ops/prod/trends?since=2026-11-01T00%3A00%3A00Z',
    ]);
  });

  it('posts an exemption request as JSON and marks notifications read', async () => {
    const { client, calls } = setup((url, init) =>
      init?.method === 'POST' && url.endsWith('/exemptions') ? json({ id: 'e-1', status: 'pending' }, 201) : new Response(null, { status: 204 }),
    );
    const request = {
      scorecardRef: 'scorecard:default/prod',
      entityRef: 'component:default/checkout',
      ruleId: 'has-runbook',
      reason: 'wiki',
      expiresAt: '2026-12-31T23:59:59.000Z',
    };
    expect(await client.requestExemption(request)).toEqual({ id: 'e-1', status: 'pending' });
    await client.markNotificationRead('n 1');
    expect(calls).toEqual([
      { url: 'http://host/api/scorecards/exemptions', method: 'POST', body: request },
      { url: 'http://host/api/scorecards/notifications/n%201/read', method: 'POST', body: undefined },
    ]);
  });

  it('evaluates an entity now with a POST', async () => {
    const { client, calls } = setup(() => json({ results: [], errors: [] }));
    expect(await client.evaluate({ entityRef: 'component:default/checkout' })).toEqual({ results: [], errors: [] });
    expect(calls).toEqual([{ url: 'http://host/api/scorecards/evaluate', method: 'POST', body: { entityRef: 'component:default/checkout' } }]);
  });

  it('asks for unread notifications only when told to', async () => {
    const { client, calls } = setup(() => json({ items: [] }));
    await client.getNotifications();
    await client.getNotifications({ unreadOnly: true, recipient: 'group:default/team-a' });
    expect(calls.map(c => c.url)).toEqual([
      'http://host/api/scorecards/notifications',
      'http://host/api/scorecards/notifications?recipient=group%3Adefault%2Fteam-a&unread=true',
    ]);
  });

  it('throws the backend’s error message with the status', async () => {
    const { client } = setup(() => json({ error: { name: 'NotFoundError', message: 'No scorecard scorecard:default/x' } }, 404));
    const error = await client.getScorecard('scorecard:default/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error).toMatchObject({ message: 'NotFoundError: No scorecard scorecard:default/x', statusCode: 404, body: { name: 'NotFoundError' } });
  });

  it('keeps the status line when the error body is not JSON', async () => {
    const { client } = setup(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(client.getInitiatives()).rejects.toThrow('Request failed with 502 Bad Gateway');
  });
});
