import net from 'node:net';
import { FakePagerDuty } from '../__testUtils__/FakePagerDuty';
import { pagerdutyIntegrationsConfigSchema, type PagerDutyAccountConfig } from './config';
import { PagerDutyClient, retryDelayMs } from './PagerDutyClient';
import { PagerDutyUnavailableError } from './pagerdutyErrors';

type Failure = Error & { statusCode: number };
/** The error a call fails with (the test fails if it succeeds). */
const errorOf = (call: Promise<unknown>): Promise<Failure> =>
  call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: Failure) => error,
  );

describe('PagerDutyClient', () => {
  const fake = new FakePagerDuty();
  const waits: number[] = [];
  let policyId: string;
  const client = (overrides: Partial<PagerDutyAccountConfig> = {}) => {
    const [account] = pagerdutyIntegrationsConfigSchema.parse([{ id: 'default', apiBaseUrl: fake.url, token: 'good-key', timeoutMs: 1500, ...overrides }]);
    return new PagerDutyClient(account, { wait: async ms => void waits.push(ms) });
  };

  beforeAll(async () => {
    await fake.start();
    policyId = fake.addEscalationPolicy({ name: 'p', levels: [] }).id;
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    waits.length = 0;
    fake.delayMs = 0;
  });

  it('reaches an account through an OAuth app: a token asked for once, sent as Bearer, renewed after PagerDuty refuses it', async () => {
    fake.oauthClients = [{ clientId: 'portico', clientSecret: 'app-secret' }];
    const [account] = pagerdutyIntegrationsConfigSchema.parse([
      { id: 'default', apiBaseUrl: fake.url, timeoutMs: 1500, oauth: { clientId: 'portico', clientSecret: 'app-secret', subdomain: 'acme', region: 'eu', tokenUrl: `${fake.url}/oauth/token` } },
    ]);
    const oauthClient = new PagerDutyClient(account);
    const before = fake.oauthTokenRequests.length;
    await Promise.all([oauthClient.get('/abilities', { what: 'abilities' }), oauthClient.get('/abilities', { what: 'abilities' })]);
    await oauthClient.get('/abilities', { what: 'abilities' });
    expect(fake.oauthTokenRequests.slice(before)).toEqual([
      expect.objectContaining({ grant_type: 'client_credentials', client_id: 'portico', scope: expect.stringMatching(/^as_account-eu\.acme services\.read /) }),
    ]);
    expect(fake.requestsTo('/abilities').at(-1)?.headers.authorization).toMatch(/^Bearer pdus\+_/);

    fake.revokeOAuthTokens();
    await oauthClient.get('/abilities', { what: 'abilities' });
    expect(fake.oauthTokenRequests.length - before).toBe(2);

    // a wrong secret is a clear refusal naming the app and the account (PagerDuty unavailable to the portal: 503)
    const [wrong] = pagerdutyIntegrationsConfigSchema.parse([
      { id: 'other', apiBaseUrl: fake.url, timeoutMs: 1500, oauth: { clientId: 'portico', clientSecret: 'nope', subdomain: 'acme', tokenUrl: `${fake.url}/oauth/token` } },
    ]);
    const refused = await errorOf(new PagerDutyClient(wrong).get('/abilities', { what: 'abilities' }));
    expect(refused).toBeInstanceOf(PagerDutyUnavailableError);
    expect(refused.message).toMatch(/^PagerDuty refused the OAuth app 'portico' of account 'other' while asking for an OAuth access token .*Client authentication failed/);
  });

  it('follows `more` through every page of a classic offset list', async () => {
    for (let i = 0; i < 7; i++) fake.addService({ name: `svc-${i}`, policyId });
    const services = await client().list<{ name: string }>('/services', 'services', { what: 'the services', limit: 3 });
    expect(services.map(s => s.name)).toEqual(['svc-0', 'svc-1', 'svc-2', 'svc-3', 'svc-4', 'svc-5', 'svc-6']);
    expect(fake.requestsTo('/services').map(r => r.query.offset)).toEqual(['0', '3', '6']);
  });

  it('follows `next_cursor` through every page of a cursor-paginated list, and stops at maxItems', async () => {
    const service = fake.addService({ name: 'audited', policyId });
    for (let i = 0; i < 7; i++) fake.addAuditRecord({ serviceId: service.id, action: `update-${i}`, at: `2026-12-0${i + 1}T10:00:00.000Z` });
    const path = `/services/${service.id}/audit/records`;
    const records = await client().listByCursor<{ action: string }>(path, 'records', { what: 'the audit records', limit: 3 });
    expect(records.map(r => r.action)).toEqual(['update-6', 'update-5', 'update-4', 'update-3', 'update-2', 'update-1', 'update-0']);
    const cursors = fake.requestsTo(path).map(r => r.query.cursor);
    expect(cursors).toHaveLength(3);
    expect(cursors[0]).toBeUndefined();
    expect(typeof cursors[1]).toBe('string');
    expect(fake.requestsTo(path).every(r => r.query.limit === '3')).toBe(true);
    const first = await client().listByCursor<{ action: string }>(path, 'records', { what: 'the audit records', limit: 3, maxItems: 4 });
    expect(first.map(r => r.action)).toEqual(['update-6', 'update-5', 'update-4', 'update-3']);
  });

  it('waits out a 429 for the Retry-After PagerDuty names, then retries', async () => {
    fake.failNext({ path: /^\/abilities$/, status: 429, headers: { 'retry-after': '2' } });
    fake.failNext({ path: /^\/abilities$/, status: 429, headers: { 'ratelimit-reset': '1' } });
    const answer = await client().get<{ abilities: string[] }>('/abilities', { what: 'abilities' });
    expect(answer.abilities.length).toBeGreaterThan(0);
    expect(waits).toEqual([2000, 1000]);
  });

  it('gives up with a clear 503 when the rate limit lasts longer than its retries', async () => {
    for (let i = 0; i < 3; i++) fake.failNext({ path: /^\/abilities$/, status: 429, headers: { 'retry-after': '1' } });
    const error = await errorOf(client({ rateLimitRetries: 2 }).get('/abilities', { what: 'abilities' }));
    expect(error).toBeInstanceOf(PagerDutyUnavailableError);
    expect(error.message).toBe("PagerDuty rate limit exceeded for account 'default' while reading abilities; try again shortly");
    expect(waits).toEqual([1000, 1000]);
  });

  it('does not wait longer than maxRetryWaitMs for a reset', async () => {
    fake.failNext({ path: /^\/abilities$/, status: 429, headers: { 'retry-after': '3600' } });
    const error = await errorOf(client({ maxRetryWaitMs: 5000 }).get('/abilities', { what: 'abilities' }));
    expect(error.message).toMatch(/rate limit exceeded/);
    expect(waits).toEqual([]);
  });

  it('abandons a request PagerDuty does not answer within the timeout', async () => {
    fake.delayMs = 2000;
    const error = await errorOf(client({ timeoutMs: 200 }).get('/abilities', { what: 'abilities' }));
    expect(error).toBeInstanceOf(PagerDutyUnavailableError);
    expect(error.message).toBe("PagerDuty is unreachable for account 'default' while reading abilities: no answer within 200 ms");
  });

  it('names a refused connection without naming the host', async () => {
    const closed = net.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise(resolve => closed.close(resolve));
    const [account] = pagerdutyIntegrationsConfigSchema.parse([{ id: 'gone', apiBaseUrl: `http://127.0.0.1:${port}`, token: 'k' }]);
    const error = await errorOf(new PagerDutyClient(account).get('/abilities', { what: 'abilities' }));
    expect(error.message).toBe("PagerDuty is unreachable for account 'gone' while reading abilities: network error (ECONNREFUSED)");
  });

  it('maps 401, 403, 404 and 5xx to errors naming the account and what was read', async () => {
        const refused = await errorOf(client({ token: 'revoked' }).get('/abilities', { what: 'abilities' }));
    expect([refused.statusCode, refused.message]).toEqual([503, "PagerDuty refused the API key of account 'default' while reading abilities: the key is wrong or revoked (PagerDuty: Authentication failed)"]);
    const secret = fake.addService({ name: 'secret', policyId });
    fake.forbiddenServices.add(secret.id);
    const denied = await errorOf(client().get(`/services/${secret.id}`, { what: `service ${secret.id}` }));
    expect([denied.name, denied.message]).toEqual(['NotAllowedError', `The API key of PagerDuty account 'default' has no access to service ${secret.id} (PagerDuty: Access Denied: Access Denied)`]);
    const missing = await errorOf(client().get('/services/PNOPE', { what: 'service PNOPE' }));
    expect([missing.name, missing.message]).toEqual(['NotFoundError', "Not found in PagerDuty account 'default': service PNOPE (PagerDuty: Not Found)"]);
    fake.failNext({ path: /^\/abilities$/, status: 502 });
    const bad = await errorOf(client().get('/abilities', { what: 'abilities' }));
    expect([bad.statusCode, bad.message]).toEqual([503, "PagerDuty answered 502 for abilities (account 'default') (PagerDuty: Internal Server Error)"]);
  });
});

describe('retryDelayMs', () => {
  it('prefers Retry-After, then ratelimit-reset, else one second', () => {
    expect(retryDelayMs(new Headers({ 'retry-after': '3', 'ratelimit-reset': '9' }))).toBe(3000);
    expect(retryDelayMs(new Headers({ 'ratelimit-reset': '0.5' }))).toBe(500);
    expect(retryDelayMs(new Headers({ 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' }))).toBe(1000);
  });
});
