import request from 'supertest';
import { catalogPlugin } from '@portico/plugin-catalog-backend';
import { scaffolderPlugin } from '@portico/plugin-scaffolder-backend';
import { scorecardsPlugin } from '@portico/plugin-scorecards-backend';
import { startTestBackend } from '@portico/test-utils';
import { FakeJira } from './__testUtils__/FakeJira';
import jiraFeatures, { jiraPluginConfigSchema } from './index';

describe('the jira bundle', () => {
  it('contributes the API, facts and actions with the catalog, scorecards and scaffolder installed, without any of them knowing Jira', async () => {
    const fake = await new FakeJira({ kind: 'cloud' }).start();
    const backend = await startTestBackend({
      features: [catalogPlugin, scorecardsPlugin, scaffolderPlugin, jiraFeatures],
      config: { integrations: { jira: [fake.site()] }, jira: { securityIssues: { label: 'security' }, mappingCheck: { enabled: false } }, catalog: { processingInterval: 'PT1H' } },
    });
    try {
      const actions = await request(backend.server).get('/api/scaffolder/v2/actions').expect(200);
      expect((actions.body as Array<{ id: string }>).map(a => a.id)).toEqual(expect.arrayContaining(['jira:issue:create', 'jira:issue:comment']));
      const openapi = await request(backend.server).get('/api/jira/openapi.json').expect(200);
      expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/entity', '/webhooks']));
    } finally {
      await backend.stop();
      await fake.stop();
    }
  });

  it('starts with the catalog alone (modules of plugins that are not installed are skipped), and without any site', async () => {
    const backend = await startTestBackend({ features: [catalogPlugin, jiraFeatures], config: { catalog: { processingInterval: 'PT1H' } } });
    try {
      await request(backend.server).get('/api/jira/entity').query({ entityRef: 'component:default/nope' }).expect(404);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a jira.securityIssues that is neither a label nor an issue type, naming the path', async () => {
    const fake = await new FakeJira({ kind: 'cloud' }).start();
    try {
      await expect(
        startTestBackend({ features: [catalogPlugin, scorecardsPlugin, jiraFeatures], config: { integrations: { jira: [fake.site()] }, jira: { securityIssues: { tag: 'x' } } } }),
      ).rejects.toThrow(/jira\.securityIssues/);
      await expect(startTestBackend({ features: [catalogPlugin, jiraFeatures], config: { integrations: { jira: [{ host: 'acme.atlassian.net', kind: 'cloud' }] } } })).rejects.toThrow(
        /Invalid config at 'integrations\.jira\[0\]\.email': A Jira Cloud site needs `email`/,
      );
    } finally {
      await fake.stop();
    }
    expect(jiraPluginConfigSchema.parse({})).toEqual({ cache: { issues: 300_000, projects: 3_600_000 }, maxIssues: 1000 });
  });
});
