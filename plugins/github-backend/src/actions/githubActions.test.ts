import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ActionContext, TemplateAction } from '@portico/plugin-scaffolder-node';
import { MockLogger } from '@portico/test-utils';
import { FakeGithub } from '../__testUtils__/FakeGithub';
import { GithubClients } from '../integration/GithubClients';
import { createGithubActionsDispatchAction, createGithubPullRequestAction, createPublishGithubAction, parseRepoUrl } from './githubActions';

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-gh-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

async function run(action: TemplateAction, input: Record<string, unknown>, options: { workspacePath?: string; dryRun?: boolean; checkpoints?: Map<string, unknown> } = {}) {
  const outputs: Record<string, unknown> = {};
  const checkpoints = options.checkpoints ?? new Map<string, unknown>();
  const ctx = {
    input: action.schema?.input ? action.schema.input.parse(input) : input,
    logger: new MockLogger(),
    workspacePath: options.workspacePath ?? workspace({ 'README.md': '# x' }),
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
    waitForHuman: async () => { throw new Error('not used'); },
  } as unknown as ActionContext<unknown>;
  await action.handler(ctx);
  return outputs;
}

describe('GitHub scaffolder actions', () => {
  const fake = new FakeGithub();
  let clients: GithubClients;
  beforeAll(async () => {
    await fake.start();
    fake.addTeam('acme', { slug: 'platform', members: ['alice'] });
    clients = new GithubClients([{ host: 'github.com', apiBaseUrl: fake.url, token: 't', writeIntervalMs: 0 }]);
  });
  afterAll(() => fake.stop());

  it('parses Backstage repoUrl values', () => {
    expect(parseRepoUrl('github.com?owner=acme&repo=svc')).toEqual({ host: 'github.com', owner: 'acme', repo: 'svc' });
    expect(() => parseRepoUrl('github.com?owner=acme')).toThrow(/both owner and repo/);
  });

  it('publish:github creates the repository, pushes the workspace, sets topics and team access', async () => {
    const dir = workspace({ 'catalog-info.yaml': 'kind: Component\n', 'src/index.js': 'console.log(1)\n' });
    const outputs = await run(createPublishGithubAction(clients), {
      repoUrl: 'github.com?owner=acme&repo=new-service', description: 'A new service', topics: ['node'], access: [{ team: 'platform', permission: 'admin' }],
    }, { workspacePath: dir });
    expect(outputs).toMatchObject({ remoteUrl: 'https://github.com/acme/new-service', repoContentsUrl: 'https://github.com/acme/new-service/blob/main' });
    const repo = fake.repo('acme/new-service')!;
    expect(fake.filesOf(repo)).toEqual({ 'catalog-info.yaml': 'kind: Component\n', 'src/index.js': 'console.log(1)\n' });
    expect(repo.topics).toEqual(['node']);
    expect(repo.teamPermissions).toEqual({ platform: 'admin' });
    expect(repo.description).toBe('A new service');
  });

  it('publish:github refuses a repository that already exists with a conflict, touching nothing', async () => {
    fake.addRepo('acme', 'taken', { files: { 'keep.txt': 'mine' } });
    await expect(run(createPublishGithubAction(clients), { repoUrl: 'github.com?owner=acme&repo=taken' })).rejects.toMatchObject({ name: 'ConflictError', message: expect.stringMatching(/already exists/) });
    expect(fake.filesOf(fake.repo('acme/taken')!)).toEqual({ 'keep.txt': 'mine' });
  });

  it('publish:github resumed after a restart does not create the repository twice', async () => {
    const checkpoints = new Map<string, unknown>();
    const action = createPublishGithubAction(clients);
    await run(action, { repoUrl: 'github.com?owner=acme&repo=resumed' }, { checkpoints });
    const outputs = await run(action, { repoUrl: 'github.com?owner=acme&repo=resumed' }, { checkpoints });
    expect(outputs.remoteUrl).toBe('https://github.com/acme/resumed');
    expect(fake.requests.filter(r => r.method === 'POST' && r.path === '/orgs/acme/repos')).toHaveLength(2); // new-service and resumed
  });

  it('publish:github in a dry run only says what it would do', async () => {
    const outputs = await run(createPublishGithubAction(clients), { repoUrl: 'github.com?owner=acme&repo=dry' }, { dryRun: true });
    expect(outputs.remoteUrl).toBe('https://github.com/acme/dry');
    expect(fake.repo('acme/dry')).toBeUndefined();
  });

  it('github:pull-request commits the workspace on a branch and opens a pull request', async () => {
    const repo = fake.addRepo('acme', 'existing', { files: { 'README.md': '# existing', 'old.txt': 'old' } });
    const outputs = await run(createGithubPullRequestAction(clients), {
      repoUrl: 'github.com?owner=acme&repo=existing', branchName: 'add-catalog', title: 'Add catalog-info.yaml', description: 'Registers the repository',
    }, { workspacePath: workspace({ 'catalog-info.yaml': 'kind: Component\n' }) });
    expect(outputs).toMatchObject({ pullRequestNumber: 1, targetBranchName: 'main', remoteUrl: 'https://github.com/acme/existing/pull/1' });
    expect(fake.filesOf(repo, 'add-catalog')).toEqual({ 'README.md': '# existing', 'old.txt': 'old', 'catalog-info.yaml': 'kind: Component\n' });
    expect(fake.filesOf(repo, 'main')).not.toHaveProperty('catalog-info.yaml');
    expect(repo.pulls[0]).toMatchObject({ title: 'Add catalog-info.yaml', head: 'add-catalog', base: 'main', body: 'Registers the repository' });
  });

  it('github:actions:dispatch runs a workflow and reports a missing ref clearly', async () => {
    const repo = fake.addRepo('acme', 'deployable', { files: { 'x': 'y' } });
    await run(createGithubActionsDispatchAction(clients), { repoUrl: 'github.com?owner=acme&repo=deployable', workflowId: 'deploy.yml', branchOrTagName: 'main', workflowInputs: { env: 'prod' } });
    expect(repo.dispatches).toEqual([{ workflowId: 'deploy.yml', ref: 'main', inputs: { env: 'prod' } }]);
    await expect(run(createGithubActionsDispatchAction(clients), { repoUrl: 'github.com?owner=acme&repo=deployable', workflowId: 'deploy.yml', branchOrTagName: 'nope' }))
      .rejects.toThrow(/deploy.yml of acme\/deployable/);
  });
});
