import type { ActionContext, TemplateAction } from '@portico/plugin-scaffolder-node';
import { MockLogger } from '@portico/test-utils';
import { FakeJira } from '../__testUtils__/FakeJira';
import { seedJira } from '../__testUtils__/seedJira';
import { jiraIntegrationsConfigSchema } from '../integration/config';
import { JiraClients } from '../integration/JiraClients';
import { createJiraIssueCommentAction, createJiraIssueCreateAction } from './jiraActions';

async function run(action: TemplateAction, input: Record<string, unknown>, options: { dryRun?: boolean; checkpoints?: Map<string, unknown> } = {}) {
  const outputs: Record<string, unknown> = {};
  const checkpoints = options.checkpoints ?? new Map<string, unknown>();
  const ctx = {
    input: action.schema?.input ? action.schema.input.parse(input) : input,
    logger: new MockLogger(),
    workspacePath: '/nonexistent',
    output: (name: string, value: unknown) => (outputs[name] = value),
    signal: new AbortController().signal,
    isDryRun: options.dryRun ?? false,
    async checkpoint<T>(key: string, fn: () => Promise<T>) {
      if (!checkpoints.has(key)) checkpoints.set(key, await fn());
      return checkpoints.get(key) as T;
    },
    user: { ref: 'user:default/guest' },
    secrets: {},
    taskId: 't1',
    stepId: 's1',
    waitForHuman: async () => {
      throw new Error('not used');
    },
  } as unknown as ActionContext<unknown>;
  await action.handler(ctx);
  return outputs;
}

const description = 'The service **payments** needs:\n\n- dashboards\n- alerts';

describe.each(['cloud', 'datacenter'] as const)('Jira scaffolder actions on Jira %s', kind => {
  const fake = new FakeJira({ kind });
  let clients: JiraClients;
  let seed: ReturnType<typeof seedJira>;
  beforeAll(async () => {
    await fake.start();
    seed = seedJira(fake);
    clients = new JiraClients(jiraIntegrationsConfigSchema.parse([fake.site()]));
  });
  afterAll(() => fake.stop());

  it('jira:issue:create creates the issue with labels, components and an assignee found by email; outputs key and URL', async () => {
    const outputs = await run(createJiraIssueCreateAction(clients), {
      project: 'PAY',
      issueType: 'Task',
      summary: 'Set up monitoring',
      description,
      labels: ['onboarding'],
      components: ['payments-api'],
      assignee: 'bob@acme.test',
      priority: 'High',
    });
    const issue = fake.issue(String(outputs.issueKey))!;
    expect(outputs).toEqual({ issueKey: issue.key, issueUrl: `${fake.url}/browse/${issue.key}` });
    expect(issue).toMatchObject({ summary: 'Set up monitoring', type: 'Task', labels: ['onboarding'], components: ['payments-api'], assignee: seed.bob.accountId, priority: 'High' });
    const stored = (issue as unknown as { description: unknown }).description;
    if (kind === 'cloud') {
      expect(stored).toMatchObject({ type: 'doc', version: 1, content: [{ type: 'paragraph' }, { type: 'bulletList' }] });
    } else {
      expect(stored).toBe('The service *payments* needs:\n\n* dashboards\n* alerts');
    }
  });

  it('jira:issue:create accepts an account id (Cloud) or user name (Data Center) as assignee', async () => {
    const assignee = kind === 'cloud' ? seed.alice.accountId : seed.alice.name;
    const outputs = await run(createJiraIssueCreateAction(clients), { project: 'PAY', summary: 'Rotate secrets', assignee });
    expect(fake.issue(String(outputs.issueKey))?.assignee).toBe(seed.alice.accountId);
  });

  it('jira:issue:create shows Jira\'s reason when it refuses the issue (a required field missing)', async () => {
    const error = await run(createJiraIssueCreateAction(clients), { project: 'DOCS', issueType: 'Task', summary: 'No component' }).catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toBe('Jira refused creating an issue in project DOCS (Jira: components: Components is required.)');
    const badType = await run(createJiraIssueCreateAction(clients), { project: 'PAY', issueType: 'Saga', summary: 'x' }).catch(e => e);
    expect(badType.message).toBe('Jira refused creating an issue in project PAY (Jira: issuetype: Specify a valid issue type)');
    const nobody = await run(createJiraIssueCreateAction(clients), { project: 'PAY', summary: 'x', assignee: 'nobody@acme.test' }).catch(e => e);
    expect(nobody.message).toMatch(/no Jira user has the email nobody@acme.test/);
  });

  it('jira:issue:create does not open a second issue when a resumed run repeats the step', async () => {
    const checkpoints = new Map<string, unknown>();
    const before = fake.issuesByProject.get('PAY')!.length;
    const first = await run(createJiraIssueCreateAction(clients), { project: 'PAY', summary: 'Once' }, { checkpoints });
    const second = await run(createJiraIssueCreateAction(clients), { project: 'PAY', summary: 'Once' }, { checkpoints });
    expect(second).toEqual(first);
    expect(fake.issuesByProject.get('PAY')!.length).toBe(before + 1);
  });

  it('jira:issue:create in a dry run creates nothing', async () => {
    const before = fake.issuesByProject.get('PAY')!.length;
    expect(await run(createJiraIssueCreateAction(clients), { project: 'PAY', summary: 'Dry' }, { dryRun: true })).toEqual({ issueKey: 'PAY-0', issueUrl: `${fake.url}/browse/PAY-0` });
    expect(fake.issuesByProject.get('PAY')!.length).toBe(before);
  });

  it('jira:issue:create refuses an empty summary or a malformed project before calling Jira', () => {
    const action = createJiraIssueCreateAction(clients);
    expect(() => action.schema!.input!.parse({ project: 'PAY', summary: '   ' })).toThrow(/summary must not be empty/);
    expect(() => action.schema!.input!.parse({ project: 'PAY" OR 1=1', summary: 'x' })).toThrow(/a Jira project key such as PAY/);
  });

  it('jira:issue:comment comments in markdown, and names an issue that does not exist', async () => {
    const outputs = await run(createJiraIssueCommentAction(clients), { issueKey: seed.pay.story.key, body: 'Repository **created**' });
    expect(outputs.issueUrl).toBe(`${fake.url}/browse/${seed.pay.story.key}`);
    const comment = fake.comments.find(c => c.id === outputs.commentId)!;
    expect(comment.body).toEqual(kind === 'cloud' ? { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Repository ' }, { type: 'text', text: 'created', marks: [{ type: 'strong' }] }] }] } : 'Repository *created*');
    const missing = await run(createJiraIssueCommentAction(clients), { issueKey: 'PAY-9999', body: 'x' }).catch(e => e);
    expect(missing.message).toMatch(/Not found on Jira site '.*': a comment on PAY-9999/);
  });
});
