import request from 'supertest';
import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { JIRA_ISSUE_TOPICS, type JiraIssueEvent } from '@portico/plugin-jira-common';
import { scorecardsPlugin } from '@portico/plugin-scorecards-backend';
import { eventually } from '@portico/test-utils';
import { FakeJira } from '../__testUtils__/FakeJira';
import { componentChange, hubSignature, issueWebhookPayload, labelsChange, moveChange } from '../__testUtils__/jiraWebhooks';
import { seedJira } from '../__testUtils__/seedJira';
import { entity, startJiraBackend } from '../__testUtils__/startJiraBackend';

const SECRET = 'cloud-webhook-secret';
const DC_SECRET = 'dc-shared-secret';

type Backend = Awaited<ReturnType<typeof startJiraBackend>>;

/** Every `jira.issue.*` event published, with its topic. */
function recorder(received: Array<{ topic: string; payload: JiraIssueEvent }>) {
  return createBackendPlugin({
    pluginId: 'recorder',
    register(env) {
      env.registerInit({
        deps: { events: coreServices.events },
        async init({ events }) {
          await events.subscribe({ id: 'recorder', topics: [...JIRA_ISSUE_TOPICS], onEvent: ({ topic, payload }) => void received.push({ topic, payload: payload as JiraIssueEvent }) });
        },
      });
    },
  });
}

function deliver(backend: Backend, payload: unknown, headers: Record<string, string> = {}, query = '') {
  return request(backend.server).post(`/api/jira/webhooks${query}`).set('content-type', 'application/json').set(headers).send(JSON.stringify(payload));
}
const signed = (payload: unknown, secret = SECRET) => ({ 'x-hub-signature': hubSignature(JSON.stringify(payload), secret) });

const factsOf = async (backend: Backend, name: string) => {
  const res = await request(backend.server).get(`/api/scorecards/entities/component/default/${name}/facts`).expect(200);
  return Object.fromEntries((res.body.items as Array<{ name: string; value: unknown }>).map(f => [f.name, f.value]));
};

describe('POST /api/jira/webhooks', () => {
  const cloud = new FakeJira({ kind: 'cloud' });
  const dc = new FakeJira({ kind: 'datacenter' });
  const received: Array<{ topic: string; payload: JiraIssueEvent }> = [];
  let seed: ReturnType<typeof seedJira>;
  let backend: Backend;

  beforeAll(async () => {
    await Promise.all([cloud.start(), dc.start()]);
    seed = seedJira(cloud);
    dc.addProject('OPS', { name: 'Operations' });
    backend = await startJiraBackend(cloud, {
      manualSchedulers: true,
      features: [scorecardsPlugin, recorder(received)],
      sites: [cloud.site({ webhookSecret: SECRET }), dc.site({ webhookSecret: DC_SECRET })],
      entities: [
        entity('payments', { 'jira/project-key': 'PAY' }),
        entity('payments-api', { 'jira/project-key': 'PAY', 'jira/component': 'payments-api' }),
        entity('secure', { 'jira/project-key': 'PAY', 'jira/label': 'security' }),
        entity('ops', { 'jira/project-key': 'OPS', 'jira/host': 'datacenter.jira.test' }),
        entity('plain'),
      ],
      config: { jira: { mappingCheck: { enabled: false } } },
    });
    await eventually(async () => expect((await request(backend.server).get('/api/catalog/entities').expect(200)).body).toHaveLength(5));
  });
  afterAll(async () => {
    await backend.cleanup();
    await Promise.all([cloud.stop(), dc.stop()]);
  });
  beforeEach(() => void (received.length = 0));

  it('collects facts for the mapped entities through scorecards on its schedule', async () => {
    await backend.schedulers.get('scorecards').triggerTask('scorecards-collect-jira');
    const payments = await eventually(async () => {
      const facts = await factsOf(backend, 'payments');
      expect(facts['jira.openIssues']).toBe(5);
      return facts;
    });
    expect(payments).toMatchObject({ 'jira.openBugs': 4, 'jira.openBugsByPriority': { highest: 1, high: 1, medium: 1, low: 1, lowest: 0 }, 'jira.oldestOpenBugAgeDays': 40 });
    expect(await factsOf(backend, 'ops')).toMatchObject({ 'jira.openIssues': 0 });
    expect(Object.keys(await factsOf(backend, 'plain')).filter(n => n.startsWith('jira.'))).toEqual([]);
  });

  it('refuses a missing, wrong or tampered Cloud signature with 401 and processes nothing', async () => {
    const payload = issueWebhookPayload('jira:issue_updated', seed.pay.story);
    const missing = await deliver(backend, payload);
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/Missing X-Hub-Signature header/);
    const wrong = await deliver(backend, payload, signed(payload, 'not the secret'));
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('The X-Hub-Signature signature does not match the payload under any configured webhookSecret');
    const tampered = { ...payload, webhookEvent: 'jira:issue_deleted' };
    expect((await deliver(backend, tampered, signed(payload))).status).toBe(401);
    expect((await deliver(backend, payload, { 'x-hub-signature': 'sha1=abc' })).status).toBe(401);
    // A Cloud secret given as a Data Center shared secret is not accepted: Cloud deliveries must be signed.
    expect((await deliver(backend, payload, {}, `?secret=${SECRET}`)).status).toBe(401);
    expect(received).toEqual([]);
  });

  it('publishes an issue event with the matching entities, refreshes the cached issues and pushes fresh facts', async () => {
    await backend.schedulers.get('scorecards').triggerTask('scorecards-collect-jira');
    await eventually(async () => expect((await factsOf(backend, 'payments'))['jira.openBugs']).toBe(4));
    const list = () => request(backend.server).get('/api/jira/entity').query({ entityRef: 'component:default/payments' }).expect(200);
    expect((await list()).body.issues).toHaveLength(5);

    const issue = cloud.addIssue('PAY', { summary: 'Double charge', type: 'Bug', priority: 'Highest', components: ['payments-api'] });
    const payload = issueWebhookPayload('jira:issue_created', issue);
    const res = await deliver(backend, payload, { ...signed(payload), 'x-atlassian-webhook-identifier': 'delivery-1' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ received: true, id: 'delivery-1', webhookEvent: 'jira:issue_created', entityRefs: ['component:default/payments', 'component:default/payments-api'] });
    await eventually(async () => {
      expect(await factsOf(backend, 'payments')).toMatchObject({ 'jira.openBugs': 5, 'jira.openBugsByPriority': { highest: 2 } });
      expect((await factsOf(backend, 'payments-api'))['jira.openBugs']).toBe(3);
    });
    expect((await list()).body.issues.map((i: { summary: string }) => i.summary)).toContain('Double charge');
    // subscribers are given the event after the webhook answered
    await eventually(() => expect(received).toHaveLength(1));
    expect(received).toEqual([
      {
        topic: 'jira.issue.created',
        payload: expect.objectContaining({
          eventType: 'created',
          host: 'cloud.jira.test',
          webhookEvent: 'jira:issue_created',
          issue: expect.objectContaining({ key: issue.key, projectKey: 'PAY', summary: 'Double charge', type: 'Bug', url: `${cloud.url}/browse/${issue.key}` }),
          entityRefs: ['component:default/payments', 'component:default/payments-api'],
        }),
      },
    ]);

    // The same delivery again (Jira's retry) is answered without being processed.
    const again = await deliver(backend, payload, { ...signed(payload), 'x-atlassian-webhook-identifier': 'delivery-1' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, id: 'delivery-1' });
    expect(received).toHaveLength(1);

    cloud.removeIssue(issue.key);
    const deleted = issueWebhookPayload('jira:issue_deleted', issue);
    expect((await deliver(backend, deleted, signed(deleted))).status).toBe(202);
    await eventually(async () => expect((await factsOf(backend, 'payments'))['jira.openBugs']).toBe(4));
    // in publish order, so the duplicate (which would come between) was not published
    await eventually(() => expect(received.map(r => r.topic)).toEqual(['jira.issue.created', 'jira.issue.deleted']));
  });

  it('matches label mappings by the issue\'s labels', async () => {
    const payload = issueWebhookPayload('jira:issue_updated', seed.pay.highBug);
    const res = await deliver(backend, payload, signed(payload));
    expect(res.body.entityRefs).toEqual(['component:default/payments', 'component:default/secure']);
  });

  it('refreshes the entities whose label or component an update took off the issue (from the changelog)', async () => {
    const issue = cloud.addIssue('PAY', { summary: 'Token in logs', type: 'Bug', priority: 'High', labels: ['security'], components: ['payments-api'] });
    const created = issueWebhookPayload('jira:issue_created', issue);
    expect((await deliver(backend, created, signed(created))).body.entityRefs).toEqual(['component:default/payments', 'component:default/payments-api', 'component:default/secure']);
    const open = async () => ({ secure: (await factsOf(backend, 'secure'))['jira.openIssues'] as number, api: (await factsOf(backend, 'payments-api'))['jira.openBugs'] as number });
    const withIssue = await eventually(async () => {
      const facts = await open();
      expect(facts).toEqual({ secure: 2, api: 3 });
      return facts;
    });

    issue.labels = [];
    issue.components = [];
    const updated = issueWebhookPayload('jira:issue_updated', issue, { changelog: [labelsChange(['security'], []), componentChange({ removed: { id: '10000', name: 'payments-api' } })] });
    const res = await deliver(backend, updated, signed(updated));
    expect(res.status).toBe(202);
    // The issue now matches only `payments`; `secure` and `payments-api` matched it before the update.
    expect(res.body.entityRefs).toEqual(['component:default/payments', 'component:default/payments-api', 'component:default/secure']);
    await eventually(async () => expect(await open()).toEqual({ secure: withIssue.secure - 1, api: withIssue.api - 1 }));
    cloud.removeIssue(issue.key);
  });

  it("refreshes the old project's entities and cached issues when an issue moves to another project", async () => {
    const pay = cloud.projects.get('PAY')!;
    const secret = cloud.projects.get('SECRET')!;
    const list = async () => (await request(backend.server).get('/api/jira/entity').query({ entityRef: 'component:default/payments-api' }).expect(200)).body.issues.map((i: { summary: string }) => i.summary);
    const move = async (summary: string, withKey: boolean) => {
      const before = (await factsOf(backend, 'payments-api'))['jira.openBugs'] as number;
      const issue = cloud.addIssue('PAY', { summary, type: 'Bug', components: ['payments-api'] });
      const created = issueWebhookPayload('jira:issue_created', issue);
      await deliver(backend, created, signed(created)).expect(202);
      await eventually(async () => expect((await factsOf(backend, 'payments-api'))['jira.openBugs']).toBe(before + 1));
      expect(await list()).toContain(summary);
      // Jira moves it: a new key in the other project.
      cloud.removeIssue(issue.key);
      const moved = cloud.addIssue('SECRET', { summary, type: 'Bug', components: ['payments-api'] });
      const updated = issueWebhookPayload('jira:issue_updated', moved, {
        projectId: secret.id,
        changelog: moveChange({ id: pay.id, name: pay.name, key: issue.key }, { id: secret.id, name: secret.name, key: moved.key }, { withKey }),
      });
      const res = await deliver(backend, updated, signed(updated));
      expect(res.status).toBe(202);
      expect(res.body.entityRefs).toEqual(['component:default/payments', 'component:default/payments-api']);
      // PAY's cached answers are forgotten at once, and the facts pushed again.
      expect(await list()).not.toContain(summary);
      await eventually(async () => expect((await factsOf(backend, 'payments-api'))['jira.openBugs']).toBe(before));
      cloud.removeIssue(moved.key);
    };
    await move('Belongs to another team', true);
    // Without a `Key` item the old project is looked up by the `project` item's id.
    const lookups = cloud.requestsTo(`/rest/api/3/project/${pay.id}`).length;
    await move('Also elsewhere', false);
    expect(cloud.requestsTo(`/rest/api/3/project/${pay.id}`)).toHaveLength(lookups + 1);
  });

  it('accepts a Data Center delivery with the shared secret in the URL or header, and refuses a wrong one', async () => {
    const issue = dc.addIssue('OPS', { summary: 'Disk full', type: 'Bug' });
    const payload = issueWebhookPayload('jira:issue_created', issue, { baseUrl: dc.url });
    const viaQuery = await deliver(backend, payload, {}, `?secret=${DC_SECRET}`);
    expect(viaQuery.status).toBe(202);
    expect(viaQuery.body.entityRefs).toEqual(['component:default/ops']);
    const fromDc = () => received.filter(r => r.payload.host === 'datacenter.jira.test');
    await eventually(() => expect(fromDc()).toHaveLength(1));
    await eventually(async () => expect((await factsOf(backend, 'ops'))['jira.openBugs']).toBe(1));
    const updated = { ...payload, timestamp: payload.timestamp + 1 };
    expect((await deliver(backend, updated, { 'x-portico-webhook-secret': DC_SECRET })).status).toBe(202);
    // delivered (after any event published before it) before the next test starts recording
    await eventually(() => expect(fromDc()).toHaveLength(2));
    const wrong = await deliver(backend, updated, {}, '?secret=guess');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe("The shared secret matches no Jira Data Center site's webhookSecret");
  });

  it('acknowledges other events without doing anything, and refuses a body that is not a webhook', async () => {
    const other = { webhookEvent: 'project_created', timestamp: Date.now(), project: { key: 'NEW' } };
    expect((await deliver(backend, other, signed(other))).body).toMatchObject({ received: true, ignored: true, webhookEvent: 'project_created' });
    const junk = { hello: 'world' };
    const res = await deliver(backend, junk, signed(junk));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/must be a JSON object with webhookEvent/);
    expect(received).toEqual([]);
  });

  it('records each delivery in the audit log, never its body', async () => {
    const payload = issueWebhookPayload('jira:issue_updated', seed.pay.story);
    const headers = { ...signed(payload), 'x-atlassian-webhook-identifier': 'audited-1' };
    await deliver(backend, payload, headers).expect(202);
    await deliver(backend, payload, headers).expect(200);
    const events = await eventually(async () => {
      const res = await request(backend.server).get('/api/audit/events?action=jira.webhook.receive').expect(200);
      const mine = res.body.items.filter((e: { resourceRef: string }) => e.resourceRef === 'audited-1');
      expect(mine).toHaveLength(2);
      return mine;
    });
    expect(events.map((e: { meta: Record<string, unknown> }) => e.meta).sort((a: Record<string, unknown>) => (a.duplicate ? 1 : -1))).toEqual([
      { host: 'cloud.jira.test', webhookEvent: 'jira:issue_updated', issueKey: seed.pay.story.key },
      { host: 'cloud.jira.test', webhookEvent: 'jira:issue_updated', issueKey: seed.pay.story.key, duplicate: true },
    ]);
    expect(JSON.stringify(events)).not.toContain('Apple Pay');
  });
});

describe('POST /api/jira/webhooks without a secret', () => {
  it('answers 503 saying webhooks are not configured', async () => {
    const fake = await new FakeJira({ kind: 'cloud' }).start();
    const backend = await startJiraBackend(fake, { config: { jira: { mappingCheck: { enabled: false } } } });
    try {
      const payload = { webhookEvent: 'jira:issue_created' };
      const res = await deliver(backend, payload, signed(payload));
      expect(res.status).toBe(503);
      expect(res.body.error.message).toBe('Jira webhooks are not configured: set webhookSecret of a site in integrations.jira');
    } finally {
      await backend.cleanup();
      await fake.stop();
    }
  });
});
