import request from 'supertest';
import { jiraEntitySummarySchema } from '@portico/plugin-jira-common';
import { eventually } from '@portico/test-utils';
import { FakeJira } from './__testUtils__/FakeJira';
import { seedJira } from './__testUtils__/seedJira';
import { entity, startJiraBackend } from './__testUtils__/startJiraBackend';

type Backend = Awaited<ReturnType<typeof startJiraBackend>>;

const get = (backend: Backend, entityRef: string, query: Record<string, string> = {}) =>
  request(backend.server).get('/api/jira/entity').query({ entityRef, ...query });

describe.each(['cloud', 'datacenter'] as const)('GET /api/jira/entity on Jira %s', kind => {
  const fake = new FakeJira({ kind });
  let seed: ReturnType<typeof seedJira>;
  let backend: Backend;

  beforeAll(async () => {
    await fake.start();
    seed = seedJira(fake);
    backend = await startJiraBackend(fake, {
      entities: [
        entity('payments', { 'jira/project-key': 'PAY' }),
        entity('payments-api', { 'jira/project-key': 'PAY', 'jira/component': 'payments-api' }),
        entity('hostile', { 'jira/project-key': 'PAY', 'jira/label': 'x" OR project = SECRET' }),
        entity('bad-jql', { 'jira/project-key': 'PAY', 'jira/jql': 'nosuchfield = 1' }),
        entity('widening', { 'jira/project-key': 'PAY', 'jira/jql': 'type = Bug) OR (project = SECRET' }),
        entity('ghost', { 'jira/project-key': 'GHOST' }),
        entity('plain'),
        entity('docs', { 'jira/project-key': 'DOCS' }, { owner: 'team-b' }),
        entity('team-a', {}, { kind: 'Group' }),
        entity('guide', { 'jira/project-key': 'DOCS', 'jira/component': 'guide' }, { owner: 'team-b' }),
      ],
      config: { jira: { mappingCheck: { enabled: false } } },
    });
    await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(10));
  });
  afterAll(async () => {
    await backend?.cleanup();
    await fake.stop();
  });
  beforeEach(() => {
    fake.delayMs = 0;
  });

  it('answers the project, open issues newest first, counts and 30 days of created vs resolved', async () => {
    const res = await get(backend, 'component:default/payments').expect(200);
    const summary = jiraEntitySummarySchema.parse(res.body);
    expect(summary.project).toMatchObject({ key: 'PAY', name: 'Payments', lead: { displayName: 'Alice Adams' }, url: `${fake.url}/browse/PAY`, host: `${kind}.jira.test` });
    expect(summary.project?.avatarUrl).toContain('projectavatar');
    expect(summary.issues.map(i => i.summary)).toEqual(['Apple Pay', 'Odd rounding', 'Typo on receipt', 'Slow checkout', 'Refunds fail for EUR']);
    expect(summary.issues[4]).toMatchObject({ key: seed.pay.oldBug.key, type: 'Bug', priority: 'Highest', statusCategory: 'new', status: 'To Do', assignee: { displayName: 'Alice Adams' }, ageDays: 40, url: `${fake.url}/browse/${seed.pay.oldBug.key}` });
    expect(summary.issues[3]).toMatchObject({ statusCategory: 'indeterminate', status: 'In Review', assignee: null });
    expect(summary.total).toBe(5);
    expect(summary.countsByType).toEqual({ Bug: 4, Story: 1 });
    expect(summary.countsByPriority).toEqual({ Highest: 1, High: 1, Medium: 2, Low: 1 });
    expect(summary.createdVsResolved30d).toHaveLength(30);
    expect(summary.createdVsResolved30d.reduce((n, d) => n + d.created, 0)).toBe(5);
    expect(summary.createdVsResolved30d.reduce((n, d) => n + d.resolved, 0)).toBe(1);
    expect(summary.createdVsResolved30d[29].date).toBe(new Date().toISOString().slice(0, 10));
    expect(summary.errors).toEqual([]);
    expect(summary.jql).toBe('project = "PAY"');
  });

  it('filters the list by type and status category, and lists done issues on request', async () => {
    const bugs = (await get(backend, 'component:default/payments', { type: 'Bug', statusCategory: 'new' }).expect(200)).body;
    expect(bugs.issues.map((i: { summary: string }) => i.summary)).toEqual(['Odd rounding', 'Typo on receipt', 'Refunds fail for EUR']);
    expect(bugs.total).toBe(3);
    // Counts stay those of every open issue.
    expect(bugs.countsByType).toEqual({ Bug: 4, Story: 1 });
    const done = (await get(backend, 'component:default/payments', { statusCategory: 'done' }).expect(200)).body;
    expect(done.issues.map((i: { summary: string }) => i.summary).sort()).toEqual(['Crash on login', 'Rotate keys']);
    const bad = await get(backend, 'component:default/payments', { statusCategory: 'closed' }).expect(400);
    expect(bad.body.error.message).toBe("statusCategory 'closed' is not one of new, indeterminate, done");
  });

  it('narrows by jira/component', async () => {
    const summary = (await get(backend, 'component:default/payments-api').expect(200)).body;
    expect(summary.issues.map((i: { summary: string }) => i.summary)).toEqual(['Apple Pay', 'Typo on receipt', 'Refunds fail for EUR']);
    expect(summary.jql).toBe('project = "PAY" AND component = "payments-api"');
  });

  it('does not let a hostile label widen the query to another project', async () => {
    const summary = (await get(backend, 'component:default/hostile').expect(200)).body;
    expect(summary.issues).toEqual([]);
    expect(summary.errors).toEqual([]);
    expect(JSON.stringify(summary)).not.toContain('Top secret');
  });

  it('lists a JQL Jira rejects and a project it does not know as errors of the entity (200), not a 500', async () => {
    const bad = (await get(backend, 'component:default/bad-jql').expect(200)).body;
    expect(bad.issues).toEqual([]);
    expect(bad.errors).toEqual([
      { entityRef: 'component:default/bad-jql', kind: 'invalid-jql', message: expect.stringContaining("Field 'nosuchfield' does not exist or you do not have permission to view it.") },
    ]);
    const widening = (await get(backend, 'component:default/widening').expect(200)).body;
    expect(widening.errors).toEqual([{ entityRef: 'component:default/widening', kind: 'invalid-annotation', message: expect.stringMatching(/closes a parenthesis it did not open/) }]);
    const ghost = (await get(backend, 'component:default/ghost').expect(200)).body;
    expect(ghost.errors).toEqual([{ entityRef: 'component:default/ghost', kind: 'project-not-found', message: expect.stringContaining("No project could be found with key 'GHOST'") }]);
    expect(ghost.project).toBeNull();
  });

  it('aggregates the issues of the components a Group owns, without duplicates', async () => {
    const team = jiraEntitySummarySchema.parse((await get(backend, 'group:default/team-a').expect(200)).body);
    expect(team.components).toEqual(['component:default/bad-jql', 'component:default/ghost', 'component:default/hostile', 'component:default/payments', 'component:default/payments-api', 'component:default/widening']);
    expect(team.issues.map(i => i.summary)).toEqual(['Apple Pay', 'Odd rounding', 'Typo on receipt', 'Slow checkout', 'Refunds fail for EUR']);
    expect(team.projects.map(p => p.key)).toEqual(['PAY']);
    expect(team.errors.map(e => [e.entityRef, e.kind])).toEqual([
      ['component:default/widening', 'invalid-annotation'],
      ['component:default/bad-jql', 'invalid-jql'],
      ['component:default/ghost', 'project-not-found'],
    ]);
  });

  it('answers 404 for an entity without the annotation or not in the catalog, 400 for a malformed ref', async () => {
    expect((await get(backend, 'component:default/plain').expect(404)).body.error.message).toBe('component:default/plain has no jira/project-key annotation');
    expect((await get(backend, 'component:default/nope').expect(404)).body.error.message).toBe('No entity component:default/nope in the catalog');
    expect((await get(backend, 'component:default/a/b').expect(400)).body.error.message).toMatch(/'a\/b' is not a valid entity name/);
    await request(backend.server).get('/api/jira/entity').expect(400);
  });

  it('serves a cached answer without asking Jira again', async () => {
    await get(backend, 'component:default/payments').expect(200);
    const before = fake.requests.length;
    await get(backend, 'component:default/payments').expect(200);
    expect(fake.requests.length).toBe(before);
  });

  it('answers 503 saying Jira is rate-limiting when it asks for a longer wait than the portal gives it', async () => {
    fake.failNext(429, { headers: { 'Retry-After': '120' } });
    const res = await get(backend, 'component:default/guide').expect(503);
    expect(res.body.error.message).toMatch(new RegExp(`^Jira site '${kind}.jira.test' is rate-limiting the portal while reading .*; try again shortly$`));
    expect((await get(backend, 'component:default/guide').expect(200)).body.issues.map((i: { summary: string }) => i.summary)).toEqual(['Write the guide']);
  });

  it('answers 503 with a clear message when Jira is slow or down, and does not cache it', async () => {
    fake.delayMs = 3000;
    const res = await get(backend, 'component:default/docs').expect(503);
    expect(res.body.error.message).toMatch(new RegExp(`^Jira site '${kind}.jira.test' is unreachable while reading (project DOCS|the issues of component:default/docs): no answer within 1500 ms$`));
    fake.delayMs = 0;
    const ok = (await get(backend, 'component:default/docs').expect(200)).body;
    expect(ok.issues.map((i: { summary: string }) => i.summary)).toEqual(['Write the guide']);
  });
});

describe('GET /api/jira/entity with bad credentials', () => {
  it('answers 503 naming the site and the refused credentials', async () => {
    const fake = await new FakeJira({ kind: 'cloud' }).start();
    seedJira(fake);
    const backend = await startJiraBackend(fake, { entities: [entity('payments', { 'jira/project-key': 'PAY' })], sites: [fake.site({ apiToken: 'revoked' })], config: { jira: { mappingCheck: { enabled: false } } } });
    try {
      const res = await eventually(async () => {
        const r = await get(backend, 'component:default/payments');
        expect(r.status).toBe(503);
        return r;
      });
      expect(res.body.error.message).toMatch(/^Jira site 'cloud.jira.test' refused the credentials while reading project PAY: the token is wrong, expired or revoked/);
      // /readyz says so too.
      const ready = await request(backend.server).get('/readyz');
      expect(JSON.stringify(ready.body)).toContain('refused the credentials');
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });
});

describe.each(['cloud', 'datacenter'] as const)('GET /api/jira/entity beyond jira.maxIssues on Jira %s', kind => {
  const fake = new FakeJira({ kind });
  let backend: Backend;

  beforeAll(async () => {
    await fake.start();
    seedJira(fake);
    // Older than the rest, so never among the newest two: a type and a missing priority only counting can see.
    fake.addIssue('PAY', { summary: 'Old chore', type: 'Task', priority: null, created: new Date(fake.now() - 50 * 86_400_000).toISOString() });
    backend = await startJiraBackend(fake, {
      entities: [entity('payments', { 'jira/project-key': 'PAY' }), entity('payments-api', { 'jira/project-key': 'PAY', 'jira/component': 'payments-api' }), entity('team-a', {}, { kind: 'Group' })],
      config: { jira: { mappingCheck: { enabled: false }, maxIssues: 2 } },
    });
    await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(3));
  });
  afterAll(async () => {
    await backend?.cleanup();
    await fake.stop();
  });

  it('lists the newest maxIssues open issues but counts every open issue by type and priority', async () => {
    const summary = jiraEntitySummarySchema.parse((await get(backend, 'component:default/payments').expect(200)).body);
    expect(summary.issues.map(i => i.summary)).toEqual(['Apple Pay', 'Odd rounding']);
    expect(summary.truncated).toBe(true);
    expect(summary.total).toBe(6);
    expect(summary.countsByType).toEqual({ Bug: 4, Story: 1, Task: 1 });
    expect(summary.countsByPriority).toEqual({ Highest: 1, High: 1, Medium: 2, Low: 1, None: 1 });
    expect(summary.errors).toEqual([]);
    // From the cache the second time: no more counts.
    const counts = fake.requestsTo(/search/).length;
    await get(backend, 'component:default/payments', { type: 'Bug' }).expect(200);
    expect(fake.requestsTo(/search/).length).toBe(counts);
  });

  it("counts a Group's overlapping mappings once", async () => {
    const summary = jiraEntitySummarySchema.parse((await get(backend, 'group:default/team-a').expect(200)).body);
    expect(summary.components).toEqual(['component:default/payments', 'component:default/payments-api']);
    expect(summary.truncated).toBe(true);
    expect(summary.total).toBe(6);
    expect(summary.countsByType).toEqual({ Bug: 4, Story: 1, Task: 1 });
    expect(summary.countsByPriority).toEqual({ Highest: 1, High: 1, Medium: 2, Low: 1, None: 1 });
  });
});
