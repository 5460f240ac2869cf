import { NotFoundError } from '@portico/errors';
import { FakeJira } from '../__testUtils__/FakeJira';
import { jiraSiteConfigSchema, jiraIntegrationsConfigSchema } from './config';
import { JiraClient } from './JiraClient';
import { JiraQueryError, JiraUnavailableError } from './jiraErrors';

const clientOf = (fake: FakeJira, overrides: Record<string, unknown> = {}, waits: number[] = []) =>
  new JiraClient(jiraSiteConfigSchema.parse(fake.site(overrides)), { wait: async ms => void waits.push(ms) });

describe.each(['cloud', 'datacenter'] as const)('JiraClient on Jira %s', kind => {
  const fake = new FakeJira({ kind });
  beforeAll(async () => {
    await fake.start();
    fake.addProject('BIG', { name: 'Big' });
    for (let i = 0; i < 250; i++) fake.addIssue('BIG', { summary: `Issue ${i}`, type: i % 2 ? 'Bug' : 'Task', created: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() });
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.delayMs = 0;
    fake.requests.length = 0;
  });

  it('follows the pagination to the last page and reads every issue once', async () => {
    const result = await clientOf(fake).search({ jql: 'project = "BIG" ORDER BY created ASC', fields: ['summary', 'created'], pageSize: 100, maxItems: 10_000, what: 'all of BIG' });
    expect(result.issues).toHaveLength(250);
    expect(new Set(result.issues.map(i => i.key)).size).toBe(250);
    expect(result.issues[0].fields?.summary).toBe('Issue 0');
    expect(result.issues[249].fields?.summary).toBe('Issue 249');
    expect(result.truncated).toBe(false);
    const pages = fake.requestsTo(kind === 'cloud' ? '/rest/api/3/search/jql' : '/rest/api/2/search');
    expect(pages).toHaveLength(3);
    if (kind === 'cloud') {
      expect(pages.map(p => Boolean((p.body as { nextPageToken?: string }).nextPageToken))).toEqual([false, true, true]);
      expect((pages[0].body as { fields: string[] }).fields).toEqual(['summary', 'created']);
    } else {
      expect(pages.map(p => p.query.startAt)).toEqual(['0', '100', '200']);
      expect(result.total).toBe(250);
    }
  });

  it('stops at maxItems and says the result is truncated', async () => {
    const result = await clientOf(fake).search({ jql: 'project = BIG', fields: ['summary'], pageSize: 40, maxItems: 90, what: 'BIG' });
    expect(result.issues).toHaveLength(90);
    expect(result.truncated).toBe(true);
  });

  it('counts through the count endpoint, not pages of issues', async () => {
    expect(await clientOf(fake).count({ jql: 'project = BIG AND issuetype = Bug', what: 'bugs' })).toBe(125);
    if (kind === 'cloud') {
      expect(fake.requestsTo('/rest/api/3/search/approximate-count')).toHaveLength(1);
      expect(fake.requestsTo('/rest/api/3/search/jql')).toHaveLength(0);
    } else {
      expect(fake.requestsTo('/rest/api/2/search')[0].query).toMatchObject({ maxResults: '0' });
    }
  });

  it('reports bad credentials (401) as Jira unavailable, naming the site, not as a sign-in problem', async () => {
    const bad = clientOf(fake, kind === 'cloud' ? { apiToken: 'revoked' } : { personalAccessToken: 'revoked' });
    const error = await bad.getProject('BIG').catch(e => e);
    expect(error).toBeInstanceOf(JiraUnavailableError);
    expect(error.message).toBe(`Jira site '${kind}.jira.test' refused the credentials while reading project BIG: the token is wrong, expired or revoked (Jira: You are not authenticated. Authentication required to perform this operation.)`);
    expect(error.message).not.toContain('revoked-token');
  });

  it('reports an unknown project (404) as not found', async () => {
    const error = await clientOf(fake).getProject('NOPE').catch(e => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toMatch(/Not found on Jira site '.*': project NOPE .*No project could be found with key 'NOPE'/);
  });

  it('reports a JQL Jira rejects (400) as a query error quoting Jira', async () => {
    const error = await clientOf(fake).count({ jql: 'project = BIG AND nosuchfield = 1', what: 'the issues of component:default/x' }).catch(e => e);
    expect(error).toBeInstanceOf(JiraQueryError);
    expect(error.message).toBe("Jira rejected the query for the issues of component:default/x (Jira: Field 'nosuchfield' does not exist or you do not have permission to view it.)");
  });

  it('waits out a 429 for as long as Retry-After says, then succeeds', async () => {
    const waits: number[] = [];
    fake.failNext(429, { headers: { 'Retry-After': '2' }, times: 2 });
    expect((await clientOf(fake, {}, waits).getProject('BIG')).name).toBe('Big');
    expect(waits).toEqual([2000, 2000]);
  });

  it('gives up on a 429 after its retries, or at once when the wait is longer than allowed', async () => {
    fake.failNext(429, { headers: { 'Retry-After': '1' }, times: 4 });
    const exhausted = await clientOf(fake, { rateLimitRetries: 3 }).getProject('BIG').catch(e => e);
    expect(exhausted).toBeInstanceOf(JiraUnavailableError);
    expect(exhausted.message).toMatch(/rate-limiting the portal while reading project BIG/);
    fake.failNext(429, { headers: { 'Retry-After': '3600' } });
    const waits: number[] = [];
    expect(await clientOf(fake, {}, waits).getProject('BIG').catch(e => e)).toBeInstanceOf(JiraUnavailableError);
    expect(waits).toEqual([]);
  });

  it('abandons a slow Jira after the timeout with a clear message', async () => {
    fake.delayMs = 1000;
    const error = await clientOf(fake, { timeoutMs: 200 }).count({ jql: 'project = BIG', what: 'BIG' }).catch(e => e);
    expect(error).toBeInstanceOf(JiraUnavailableError);
    expect(error.message).toBe(`Jira site '${kind}.jira.test' is unreachable while reading BIG: no answer within 200 ms`);
  });
});

describe('integrations.jira config', () => {
  it('requires the credentials of each kind and unique hosts, with the path of the problem', () => {
    const cloud = jiraIntegrationsConfigSchema.safeParse([{ host: 'acme.atlassian.net', kind: 'cloud', apiToken: 't' }]);
    expect(cloud.success).toBe(false);
    expect(cloud.error?.issues.map(i => [i.path.join('.'), i.message])).toEqual([['0.email', 'A Jira Cloud site needs `email` (with `apiToken`)']]);
    const dc = jiraIntegrationsConfigSchema.safeParse([{ host: 'jira.acme.internal', kind: 'datacenter' }]);
    expect(dc.error?.issues[0].message).toBe('A Jira Data Center site needs `personalAccessToken`');
    const twice = jiraIntegrationsConfigSchema.safeParse([
      { host: 'a.atlassian.net', email: 'e', apiToken: 't' },
      { host: 'a.atlassian.net', email: 'e', apiToken: 't' },
    ]);
    expect(twice.error?.issues[0].message).toBe("The Jira host 'a.atlassian.net' is configured twice");
    const ok = jiraIntegrationsConfigSchema.parse([{ host: 'acme.atlassian.net', email: 'e', apiToken: 't' }]);
    expect(ok[0]).toMatchObject({ kind: 'cloud', apiBaseUrl: 'https://acme.atlassian.net', timeoutMs: 10_000 });
  });
});

describe('JiraClient pacing', () => {
  it('makes new requests wait out a 429 another request got, instead of bursting into the rate limit', async () => {
    const fake = await new FakeJira({ kind: 'cloud' }).start();
    try {
      fake.addProject('PAY');
      const waits: number[] = [];
      const client = clientOf(fake, { maxRetryWaitMs: 5000 }, waits);
      fake.failNext(429, { headers: { 'Retry-After': '3' } });
      await client.getProject('PAY');
      expect(waits).toEqual([3000]);
      // The site asked for 3 s: a request started now waits for the rest of it before sending.
      await client.getProject('PAY');
      expect(waits).toHaveLength(2);
      expect(waits[1]).toBeGreaterThan(0);
      expect(waits[1]).toBeLessThanOrEqual(3000);
    } finally {
      await fake.stop();
    }
  });
});
