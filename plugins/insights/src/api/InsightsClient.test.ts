import { ResponseError } from '@portico/errors';
import { breakdownResponse, comparisonResponse, eventsResponse, metricsResponse } from '../__testUtils__/insightsFixtures';
import { InsightsClient } from './InsightsClient';

/** A client whose fetch records the URLs it is asked for and answers `answer(url)`. */
function clientAnswering(answer: (url: URL) => { status?: number; body: unknown }) {
  const urls: URL[] = [];
  const client = new InsightsClient({
    discoveryApi: { getBaseUrl: async id => `http://portal.test/api/${id}` },
    fetchApi: {
      fetch: async input => {
        const url = new URL(String(input));
        urls.push(url);
        const { status = 200, body } = answer(url);
        return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
      },
    },
  });
  return { client, urls };
}

describe('InsightsClient', () => {
  it('asks /metrics for a scope, period, interval and metrics, and parses the answer', async () => {
    const { client, urls } = clientAnswering(() => ({ body: metricsResponse() }));
    const answer = await client.getMetrics({ scope: { type: 'entity', ref: 'component:default/payments' }, from: '2026-01-01', to: '2026-04-01', interval: 'month', metrics: ['leadTime', 'prSize'] });
    expect(answer.metrics[0].id).toBe('deploymentFrequency');
    expect(urls[0].pathname).toBe('/api/insights/metrics');
    expect(Object.fromEntries(urls[0].searchParams)).toEqual({ entityRef: 'component:default/payments', from: '2026-01-01', to: '2026-04-01', interval: 'month', metric: 'leadTime,prSize' });
  });

  it('sends a group scope as group= with subTeams=true only when asked', async () => {
    const { client, urls } = clientAnswering(() => ({ body: breakdownResponse() }));
    await client.getBreakdown({ scope: { type: 'group', ref: 'group:default/team-a', subTeams: true } });
    await client.getBreakdown({ scope: { type: 'group', ref: 'group:default/team-a', subTeams: false } });
    await client.getBreakdown({ scope: { type: 'system', ref: 'system:default/checkout' } });
    await client.getBreakdown({ scope: { type: 'domain', ref: 'domain:default/commerce' } });
    expect(urls.map(u => `${u.pathname}${u.search}`)).toEqual([
      '/api/insights/breakdown?group=group%3Adefault%2Fteam-a&subTeams=true',
      '/api/insights/breakdown?group=group%3Adefault%2Fteam-a',
      '/api/insights/breakdown?system=system%3Adefault%2Fcheckout',
      '/api/insights/breakdown?domain=domain%3Adefault%2Fcommerce',
    ]);
  });

  it('asks /compare for one metric and /events page by page', async () => {
    const { client, urls } = clientAnswering(url => ({ body: url.pathname.endsWith('/compare') ? comparisonResponse() : eventsResponse() }));
    expect((await client.compareTeams({ metric: 'deploymentFrequency', groups: ['group:default/a', 'group:default/b'], subTeams: true })).rows).toHaveLength(3);
    expect((await client.getEvents({ scope: { type: 'entity', ref: 'component:default/payments' }, metric: 'changeFailureRate', cursor: 'abc' })).items).toHaveLength(2);
    expect(Object.fromEntries(urls[0].searchParams)).toEqual({ metric: 'deploymentFrequency', groups: 'group:default/a,group:default/b', subTeams: 'true' });
    expect(Object.fromEntries(urls[1].searchParams)).toEqual({ entityRef: 'component:default/payments', metric: 'changeFailureRate', cursor: 'abc' });
  });

  it('refuses an answer that does not match the shared schema instead of showing wrong numbers', async () => {
    const { client } = clientAnswering(() => ({ body: { ...metricsResponse(), metrics: [{ id: 'deploymentFrequency', value: '3' }] } }));
    await expect(client.getMetrics({ scope: { type: 'entity', ref: 'component:default/payments' } })).rejects.toThrow(/metrics/);
  });

  it('throws the backend\'s error as a ResponseError with its status', async () => {
    const { client } = clientAnswering(() => ({ status: 400, body: { error: { name: 'InputError', message: 'from must be before to' } } }));
    const error = await client.getMetrics({ scope: { type: 'entity', ref: 'component:default/payments' }, from: '2026-02-01', to: '2026-01-01' }).catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(400);
    expect(error.body.message).toBe('from must be before to');
  });

  it('builds CSV links with format=csv', async () => {
    const { client } = clientAnswering(() => ({ body: {} }));
    expect(await client.getCsvUrl('breakdown', new URLSearchParams({ group: 'group:default/team-a' }))).toBe('http://portal.test/api/insights/breakdown?group=group%3Adefault%2Fteam-a&format=csv');
  });
});
