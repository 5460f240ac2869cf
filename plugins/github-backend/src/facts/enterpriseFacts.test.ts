import request from 'supertest';
import { catalogPlugin } from '@portico/plugin-catalog-backend';
import { scorecardsPlugin } from '@portico/plugin-scorecards-backend';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import { FakeGithub } from '../__testUtils__/FakeGithub';
import githubFeatures from '../index';
import { repositoryOf } from './GithubFactCollector';

const catalogInfo = (name: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

describe('GitHub Enterprise facts', () => {
  let fake: FakeGithub;
  let backend: TestBackend | undefined;
  beforeEach(async () => {
    fake = await new FakeGithub().start();
  });
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
    await fake.stop();
  });

  it('collects the facts of a repository discovered on an Enterprise host from that host, as soon as the entity appears', async () => {
    fake.addRepo('acme', 'ledger', { files: { 'catalog-info.yaml': catalogInfo('ledger'), 'README.md': '# Ledger' }, languages: { Go: 100 } });
    backend = await startTestBackend({
      features: [catalogPlugin, scorecardsPlugin, githubFeatures],
      // only github.example is configured: a call meant for github.com has nowhere to go
      config: {
        integrations: { github: [{ host: 'github.example', apiBaseUrl: fake.url, token: 't', writeIntervalMs: 0 }] },
        catalog: { processingInterval: 'PT1H', providers: { github: { acme: { organization: 'acme', host: 'github.example' } } } },
      },
      // scheduled collection never runs here: the facts can only come from the entity appearing
      manualSchedulers: true,
    });
    const server = backend.server;
    const entity = await eventually(async () => (await request(server).get('/api/catalog/entities/by-name/component/default/ledger').expect(200)).body);
    expect(entity.metadata.annotations).toMatchObject({ 'github.com/host': 'github.example', 'github.com/project-slug': 'acme/ledger' });
    const facts = await eventually(async () => {
      const res = await request(server).get('/api/scorecards/entities/component/default/ledger/facts').expect(200);
      const text = JSON.stringify(res.body);
      expect(text).toContain('github.hasReadme');
      return text;
    });
    expect(facts).toContain('github.primaryLanguage');
    expect(facts).toContain('"Go"');
  });

  it('locates the errors of a discovered file at their line, reading the file from GitHub once a minute at most', async () => {
    fake.addRepo('acme', 'broken', { files: { 'catalog-info.yaml': catalogInfo('broken').replace('lifecycle: production', 'lifecycle: 42') } });
    backend = await startTestBackend({
      features: [catalogPlugin, githubFeatures],
      config: {
        integrations: { github: [{ host: 'github.example', apiBaseUrl: fake.url, token: 't', writeIntervalMs: 0 }] },
        catalog: { processingInterval: 'PT1H', providers: { github: { acme: { organization: 'acme', host: 'github.example' } } } },
      },
      manualSchedulers: true,
    });
    const server = backend.server;
    const errors = async () => (await request(server).get('/api/catalog/entities/errors?entityRef=component:default/broken').expect(200)).body.items;
    const [error] = await eventually(async () => {
      const items = await errors();
      expect(items).toHaveLength(1);
      return items;
    });
    expect(error).toMatchObject({
      file: 'https://github.example/acme/broken/blob/main/catalog-info.yaml',
      line: 7,
      field: 'spec.lifecycle',
      source: '  lifecycle: 42',
    });
    const reads = () => fake.requests.filter(r => r.path.includes('/repos/acme/broken/contents/catalog-info.yaml')).length;
    const before = reads();
    expect(before).toBeGreaterThan(0); // discovery, then locating the errors, read it
    expect(await errors()).toEqual([error]);
    expect(reads()).toBe(before);
  });

  it('takes the host of an entity registered by URL from its source location when it has no github.com/host', () => {
    const entity = (annotations: Record<string, string>) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'x', annotations }, spec: {} });
    expect(
      repositoryOf(entity({ 'github.com/project-slug': 'acme/ledger', 'backstage.io/source-location': 'url:https://github.example/acme/ledger/tree/main/' })),
    ).toEqual({ host: 'github.example', owner: 'acme', repo: 'ledger' });
    expect(
      repositoryOf(entity({ 'github.com/project-slug': 'acme/ledger', 'backstage.io/managed-by-location': 'url:https://github.example/acme/ledger/blob/main/catalog-info.yaml' })),
    ).toEqual({ host: 'github.example', owner: 'acme', repo: 'ledger' });
    // a source elsewhere (another repository, github.com) says nothing about the slug's host
    expect(repositoryOf(entity({ 'github.com/project-slug': 'acme/ledger', 'backstage.io/source-location': 'url:https://git.example/acme/monorepo/tree/main/' }))).toEqual({ owner: 'acme', repo: 'ledger' });
    expect(repositoryOf(entity({ 'github.com/project-slug': 'acme/ledger', 'backstage.io/source-location': 'url:https://github.com/acme/ledger/tree/main/' }))).toEqual({ owner: 'acme', repo: 'ledger' });
    expect(repositoryOf(entity({ 'github.com/project-slug': 'acme/ledger', 'github.com/host': 'ghe.corp', 'backstage.io/source-location': 'url:https://github.example/acme/ledger/' }))).toEqual({ host: 'ghe.corp', owner: 'acme', repo: 'ledger' });
  });
});
