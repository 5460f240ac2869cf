import { ResponseError } from '@portico/errors';
import { eventually } from '@portico/test-utils';
import { jiraEntitySummarySchema } from '@portico/plugin-jira-common';
// The backend's own fake Jira and fixtures, so the client and the route it calls cannot drift apart.
import { FakeJira } from '../../../jira-backend/src/__testUtils__/FakeJira';
import { seedJira } from '../../../jira-backend/src/__testUtils__/seedJira';
import { entity, startJiraBackend } from '../../../jira-backend/src/__testUtils__/startJiraBackend';
import { JiraClient } from './JiraClient';

describe('JiraClient against the Jira backend and a fake Jira Cloud', () => {
  const fake = new FakeJira({ kind: 'cloud' });
  let backend: Awaited<ReturnType<typeof startJiraBackend>>;
  let client: JiraClient;

  beforeAll(async () => {
    await fake.start();
    seedJira(fake);
    backend = await startJiraBackend(fake, {
      entities: [
        entity('payments', { 'jira/project-key': 'PAY' }),
        entity('ghost', { 'jira/project-key': 'GHOST' }),
        entity('docs', { 'jira/project-key': 'DOCS' }, { owner: 'team-b' }),
        entity('team-a', { 'jira/project-key': 'PAY' }, { kind: 'Group' }),
      ],
      config: { jira: { mappingCheck: { enabled: false } } },
    });
    client = new JiraClient({ discoveryApi: { getBaseUrl: async id => `${backend.url}/api/${id}` } });
    await eventually(async () => expect((await client.getEntitySummary('component:default/payments')).project?.key).toBe('PAY'));
  });
  afterAll(async () => {
    await backend?.cleanup();
    await fake.stop();
  });
  beforeEach(() => {
    fake.delayMs = 0;
  });

  it("reads an entity's summary in the shape the tab and the card use", async () => {
    const summary = jiraEntitySummarySchema.parse(await client.getEntitySummary('component:default/payments'));
    expect(summary.issues.length).toBeGreaterThan(0);
    expect(summary.issues.every(i => i.statusCategory !== 'done')).toBe(true);
    expect(summary.countsByType.Bug).toBeGreaterThan(0);
    expect(summary.createdVsResolved30d).toHaveLength(30);
  });

  it('sends the type and status filters the backend applies', async () => {
    const stories = await client.getEntitySummary('component:default/payments', { types: ['Story'] });
    expect(stories.issues.map(i => i.type)).toEqual(['Story']);
    const done = await client.getEntitySummary('component:default/payments', { statusCategories: ['done'] });
    expect(done.issues.length).toBeGreaterThan(0);
    expect(done.issues.every(i => i.statusCategory === 'done')).toBe(true);
  });

  it("gets a group's aggregate with its components", async () => {
    const summary = await client.getEntitySummary('group:default/team-a');
    expect(summary.components).toContain('component:default/payments');
  });

  it('gets an unknown project as an error on the entity, and Jira down as a 503 naming the site', async () => {
    const ghost = await client.getEntitySummary('component:default/ghost');
    expect(ghost.errors).toEqual([expect.objectContaining({ entityRef: 'component:default/ghost', kind: 'project-not-found' })]);

    fake.delayMs = 2000;
    const down = await client.getEntitySummary('component:default/docs').catch(e => e);
    expect(down).toBeInstanceOf(ResponseError);
    expect(down.statusCode).toBe(503);
    expect(down.body.message).toMatch(/is unreachable/);
  });
});
