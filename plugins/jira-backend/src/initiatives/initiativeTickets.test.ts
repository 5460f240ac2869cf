import request from 'supertest';
import { scorecardsPlugin } from '@portico/plugin-scorecards-backend';
import { eventually } from '@portico/test-utils';
import { FakeJira } from '../__testUtils__/FakeJira';
import { entity, startJiraBackend } from '../__testUtils__/startJiraBackend';
import { JiraClients } from '../integration/JiraClients';
import { jiraSiteConfigSchema } from '../integration/config';
import { jiraClientsTicketJira } from './jiraClientsTicketJira';
import { createJiraTicketAction, idempotencyLabel, jiraTicketParamsSchema } from './jiraTicketAction';

type Backend = Awaited<ReturnType<typeof startJiraBackend>>;

const scorecardYaml = [
  'apiVersion: portico.dev/v1alpha1',
  'kind: Scorecard',
  'metadata:',
  '  name: readiness',
  '  title: Readiness',
  'spec:',
  '  owner: group:default/team-a',
  '  filter: { kind: component }',
  '  levels: [{ name: Bronze, rank: 1 }, { name: Silver, rank: 2 }]',
  '  rules:',
  '    - { id: has-owner, type: binary, params: { fact: catalog.hasOwner }, level: Bronze }',
  '    - id: runbook',
  '      title: Has a runbook',
  '      type: binary',
  '      params: { fact: ops.runbook }',
  '      level: Silver',
  '      remediation: Link the runbook from catalog-info.yaml.',
].join('\n');

const adfText = (node: unknown): string => {
  if (!node || typeof node !== 'object') return '';
  const n = node as { text?: string; content?: unknown[]; marks?: Array<{ type: string; attrs?: { href?: string } }> };
  const href = n.marks?.find(m => m.type === 'link')?.attrs?.href;
  return `${n.text ?? ''}${href && href !== n.text ? ` <${href}>` : ''}${(n.content ?? []).map(adfText).join(n.content && (node as { type?: string }).type === 'doc' ? '\n' : '')}`;
};

describe('initiative tickets in Jira Cloud', () => {
  const fake = new FakeJira({ kind: 'cloud' });
  let backend: Backend;

  const pushRunbook = (name: string, value: boolean) =>
    request(backend.server).post('/api/scorecards/facts').send({ entityRef: `component:default/${name}`, source: 'ops', facts: { 'ops.runbook': value } }).expect(202);
  const levelOf = async (name: string) => {
    const res = await request(backend.server).get(`/api/scorecards/entities/component/default/${name}`).expect(200);
    return (res.body.scorecards as Array<{ scorecardRef: string; level: string | null }>).find(s => s.scorecardRef === 'scorecard:default/readiness')?.level;
  };
  const runActions = () => backend.schedulers.triggerTask('scorecards-initiative-actions');

  beforeAll(async () => {
    await fake.start();
    fake.addProject('PAY', { name: 'Payments' });
    fake.addProject('DOCS', { name: 'Docs', requiredFields: ['components'] });
    backend = await startJiraBackend(fake, {
      manualSchedulers: true,
      features: [scorecardsPlugin], // the default export brings initiativeTicketsModule
      entities: [
        entity('team-a', { 'jira/project-key': 'PAY' }, { kind: 'Group' }),
        entity('team-docs', { 'jira/project-key': 'DOCS' }, { kind: 'Group' }),
        entity('team-none', {}, { kind: 'Group' }),
        entity('checkout'),
        entity('ledger'),
        entity('search'),
        entity('guide', {}, { owner: 'team-docs' }),
        entity('orphan', {}, { owner: 'team-none' }),
        scorecardYaml,
      ],
      config: { jira: { mappingCheck: { enabled: false } }, backend: { baseUrl: 'https://portal.example' } },
    });
    await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(9));
    for (const name of ['checkout', 'ledger', 'guide', 'orphan']) await pushRunbook(name, false);
    await pushRunbook('search', true);
    await eventually(async () => {
      expect(await levelOf('search')).toBe('Silver');
      for (const name of ['checkout', 'ledger', 'guide', 'orphan']) expect(await levelOf(name)).toBe('Bronze');
    });
  });
  afterAll(async () => {
    await backend?.cleanup();
    await fake.stop();
  });

  let initiativeId: string;
  const progress = async () => (await request(backend.server).get(`/api/scorecards/initiatives/${initiativeId}`).expect(200)).body;
  const actionsOf = async (name: string) => (await progress()).failing.find((f: { entityRef: string }) => f.entityRef === `component:default/${name}`)?.actions;
  const issuesOf = (name: string) => (fake.issuesByProject.get('PAY') ?? []).filter(i => i.summary.startsWith(`component:default/${name}:`));

  it('refuses params jira.ticket does not accept', async () => {
    const res = await request(backend.server)
      .post('/api/scorecards/initiatives')
      .send({ title: 'Runbooks', scorecardRef: 'scorecard:default/readiness', targetLevel: 'Silver', deadline: '2027-03-31', actions: [{ type: 'jira.ticket', params: { labels: ['has space'] } }] })
      .expect(400);
    expect(res.body.error.message).toBe('actions.0: jira.ticket: params.labels.0 a Jira label has no spaces');
  });

  it("opens one issue per failing entity in its owner's project, with the failing rules, remediation and a link back", async () => {
    const created = await request(backend.server)
      .post('/api/scorecards/initiatives')
      .send({ title: 'Runbooks everywhere', scorecardRef: 'scorecard:default/readiness', targetLevel: 'Silver', deadline: '2027-03-31', actions: [{ type: 'jira.ticket', params: { labels: ['readiness'] } }] })
      .expect(201);
    initiativeId = created.body.id;
    await runActions();

    expect(issuesOf('checkout')).toHaveLength(1);
    expect(issuesOf('ledger')).toHaveLength(1);
    expect(issuesOf('search')).toHaveLength(0);
    const checkout = issuesOf('checkout')[0];
    expect(checkout).toMatchObject({ summary: 'component:default/checkout: Runbooks everywhere', type: 'Task' });
    expect(checkout.labels).toEqual(['readiness', expect.stringMatching(/^portico-initiative-[0-9a-f]{20}$/)]);
    const description = adfText((checkout as unknown as { description: unknown }).description);
    expect(description).toContain('https://portal.example/catalog/default/component/checkout');
    expect(description).toContain('Has a runbook');
    expect(description).toContain('Link the runbook from catalog-info.yaml.');

    expect(await actionsOf('checkout')).toEqual([
      { type: 'jira.ticket', state: 'open', link: { type: 'jira.ticket', key: checkout.key, url: `${fake.url}/browse/${checkout.key}` }, updatedAt: expect.any(String) },
    ]);
  });

  it("shows Jira's refusal and a missing project on the entity's row", async () => {
    expect(await actionsOf('guide')).toEqual([{ type: 'jira.ticket', state: 'error', error: expect.stringContaining('Components is required.'), updatedAt: expect.any(String) }]);
    expect(await actionsOf('orphan')).toEqual([
      { type: 'jira.ticket', state: 'error', error: 'its owner group:default/team-none has no jira/project-key annotation (add one, or give the action a fallbackProjectKey)', updatedAt: expect.any(String) },
    ]);
    expect(fake.issuesByProject.get('DOCS') ?? []).toHaveLength(0);
  });

  it('never opens a second issue on later runs', async () => {
    const creates = fake.requestsTo(/\/rest\/api\/3\/issue$/).length;
    await runActions();
    await runActions();
    expect(fake.requestsTo(/\/rest\/api\/3\/issue$/)).toHaveLength(creates);
    expect(issuesOf('checkout')).toHaveLength(1);
  });

  it('comments once when the entity reaches the target', async () => {
    const key = issuesOf('ledger')[0].key;
    await pushRunbook('ledger', true);
    await eventually(async () => expect(await levelOf('ledger')).toBe('Silver'));
    await runActions();
    await runActions();
    const comments = fake.comments.filter(c => c.issueKey === key);
    expect(comments).toHaveLength(1);
    expect(adfText(comments[0].body)).toContain('now reaches Silver on Readiness');
  });
});

describe('the jira.ticket action after a crash', () => {
  it.each(['cloud', 'datacenter'] as const)('finds the issue the interrupted call created on Jira %s instead of opening a second', async kind => {
    const fake = new FakeJira({ kind });
    await fake.start();
    try {
      fake.addProject('PAY', { name: 'Payments' });
      const clients = new JiraClients([jiraSiteConfigSchema.parse(fake.site())]);
      const owner = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a', annotations: { 'jira/project-key': 'PAY' } }, spec: {} };
      const action = createJiraTicketAction({ jira: jiraClientsTicketJira(clients), readEntity: async ref => (ref === 'group:default/team-a' ? owner : undefined) });
      const context = {
        initiative: { id: 'i-1', title: 'Runbooks', scorecardRef: 'scorecard:default/readiness', targetLevel: 'Silver', deadline: '2027-03-31T00:00:00.000Z', createdBy: 'user:default/guest', createdAt: '2026-12-01T00:00:00.000Z' },
        scorecard: { ref: 'scorecard:default/readiness', title: 'Readiness' },
        entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'checkout' }, spec: { owner: 'team-a' } },
        entityRef: 'component:default/checkout',
        entityUrl: 'https://portal.example/catalog/default/component/checkout',
        level: 'Bronze',
        failingRules: [{ id: 'runbook', title: 'Has a runbook', remediation: 'Link it.', status: 'fail' as const, message: 'ops.runbook does not hold (false)' }],
        params: jiraTicketParamsSchema.parse({}),
        idempotencyKey: 'i-1:abc',
      };
      const first = await action.onFailing(context);
      const retried = await action.onFailing(context);
      expect(retried).toEqual(first);
      expect(fake.issuesByProject.get('PAY')).toHaveLength(1);
      expect(fake.issue(first!.key)?.labels).toEqual([idempotencyLabel('i-1:abc')]);
      if (kind === 'datacenter') expect((fake.issue(first!.key) as unknown as { description: string }).description).toContain('Link it.');
    } finally {
      await fake.stop();
    }
  });
});

describe('the jira.ticket action when an entity leaves the initiative', () => {
  it.each(['cloud', 'datacenter'] as const)('comments "no longer in scope" on its ticket on Jira %s, finding it by label when the row has no link', async kind => {
    const fake = new FakeJira({ kind });
    await fake.start();
    try {
      fake.addProject('PAY', { name: 'Payments' });
      const clients = new JiraClients([jiraSiteConfigSchema.parse(fake.site())]);
      const owner = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a', annotations: { 'jira/project-key': 'PAY' } }, spec: {} };
      const action = createJiraTicketAction({ jira: jiraClientsTicketJira(clients), readEntity: async ref => (ref === 'group:default/team-a' ? owner : undefined) });
      const base = {
        initiative: { id: 'i-1', title: 'Runbooks', scorecardRef: 'scorecard:default/readiness', targetLevel: 'Silver', deadline: '2027-03-31T00:00:00.000Z', createdBy: 'user:default/guest', createdAt: '2026-12-01T00:00:00.000Z' },
        scorecard: { ref: 'scorecard:default/readiness', title: 'Readiness' },
        params: jiraTicketParamsSchema.parse({}),
      };
      const entityOf = (name: string) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { owner: 'team-a', type: 'website' } });
      const open = async (name: string) =>
        (await action.onFailing({
          ...base,
          entity: entityOf(name),
          entityRef: `component:default/${name}`,
          entityUrl: `https://portal.example/catalog/default/component/${name}`,
          level: 'Bronze',
          failingRules: [{ id: 'runbook', status: 'fail' as const, message: 'no runbook' }],
          idempotencyKey: `i-1:${name}`,
        }))!;
      const deleted = await open('ledger');
      const unmatched = await open('checkout');
      const commentsOf = (key: string) => fake.comments.filter(c => c.issueKey === key).map(c => (kind === 'cloud' ? adfText(c.body) : String(c.body)));

      // Deleted from the catalog: no entity, the recorded link.
      const gone = { ...base, entityRef: 'component:default/ledger', entityUrl: 'https://portal.example/catalog/default/component/ledger', reason: 'deleted' as const, idempotencyKey: 'i-1:ledger' };
      expect(await action.onOutOfScope!({ ...gone, link: deleted })).toEqual(deleted);
      expect(commentsOf(deleted.key)).toEqual([expect.stringContaining('component:default/ledger was deleted from the catalog, so it is no longer in scope of the initiative')]);
      // Still in the catalog but no longer matched, and its first call was cut short before the portal recorded the link.
      const found = await action.onOutOfScope!({ ...base, entity: entityOf('checkout'), entityRef: 'component:default/checkout', entityUrl: 'https://portal.example/catalog/default/component/checkout', reason: 'out-of-scope', idempotencyKey: 'i-1:checkout' });
      expect(found).toEqual(unmatched);
      expect(commentsOf(unmatched.key)).toEqual([expect.stringContaining("no longer matches the initiative's scope")]);
      expect(commentsOf(unmatched.key)[0]).toContain('The portal will not update this ticket again');
      // Nothing was opened for it: nothing to say, nothing to record.
      expect(await action.onOutOfScope!({ ...gone, entityRef: 'component:default/other', idempotencyKey: 'i-1:other' })).toBeUndefined();
      expect(fake.issuesByProject.get('PAY')).toHaveLength(2);
    } finally {
      await fake.stop();
    }
  });
});

describe('initiative tickets on several Jira sites', () => {
  it('tells the site of an issue from its URL, for a comment on an entity that is gone', () => {
    const sites = [
      { host: 'acme.atlassian.net', apiBaseUrl: 'https://acme.atlassian.net', kind: 'cloud', email: 'bot@acme.example', apiToken: 'token' },
      { host: 'jira.acme.internal', apiBaseUrl: 'https://jira.acme.internal/jira/', kind: 'datacenter', personalAccessToken: 'pat' },
    ].map(site => jiraSiteConfigSchema.parse(site));
    const jira = jiraClientsTicketJira(new JiraClients(sites));
    expect(jira.hostOfIssueUrl!('https://acme.atlassian.net/browse/OPS-7')).toBe('acme.atlassian.net');
    expect(jira.hostOfIssueUrl!('https://jira.acme.internal/jira/browse/OPS-7')).toBe('jira.acme.internal');
    expect(jira.hostOfIssueUrl!('https://elsewhere.example/browse/OPS-7')).toBeUndefined();
  });
});

describe('initiative tickets without backend.baseUrl', () => {
  // The default portal sets none: the host derives it from the port, or (port 0, as here) only knows the port once
  // it listens. A relative link would be dropped from the ADF, leaving a Cloud ticket without a way back.
  it("links the entity's page at the portal's effective base URL", async () => {
    const fake = new FakeJira({ kind: 'cloud' });
    await fake.start();
    let backend: Backend | undefined;
    try {
      fake.addProject('PAY', { name: 'Payments' });
      backend = await startJiraBackend(fake, {
        manualSchedulers: true,
        features: [scorecardsPlugin],
        entities: [entity('team-a', { 'jira/project-key': 'PAY' }, { kind: 'Group' }), entity('checkout'), scorecardYaml],
        config: { jira: { mappingCheck: { enabled: false } } },
      });
      const server = backend.server;
      await eventually(async () => expect((await request(server).get('/api/catalog/entities').expect(200)).body).toHaveLength(3));
      await request(server).post('/api/scorecards/facts').send({ entityRef: 'component:default/checkout', source: 'ops', facts: { 'ops.runbook': false } }).expect(202);
      await eventually(async () => {
        const res = await request(server).get('/api/scorecards/entities/component/default/checkout').expect(200);
        expect((res.body.scorecards as Array<{ level: string | null }>)[0]?.level).toBe('Bronze');
      });
      await request(server)
        .post('/api/scorecards/initiatives')
        .send({ title: 'Runbooks everywhere', scorecardRef: 'scorecard:default/readiness', targetLevel: 'Silver', deadline: '2027-03-31', actions: [{ type: 'jira.ticket' }] })
        .expect(201);
      await backend.schedulers.triggerTask('scorecards-initiative-actions');

      const [issue] = fake.issuesByProject.get('PAY') ?? [];
      expect(issue).toBeDefined();
      const port = (server.address() as { port: number }).port;
      const description = adfText((issue as unknown as { description: unknown }).description);
      expect(description).toContain(`component:default/checkout <http://localhost:${port}/catalog/default/component/checkout>`);
      expect(description).toContain(`http://localhost:${port}/catalog/default/component/checkout/scorecards`);
    } finally {
      await backend?.cleanup();
      await fake.stop();
    }
  });
});
