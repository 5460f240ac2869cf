import request from 'supertest';
import { catalogPlugin } from '@portico/plugin-catalog-backend';
import { scaffolderPlugin } from '@portico/plugin-scaffolder-backend';
import { scorecardsPlugin } from '@portico/plugin-scorecards-backend';
import { startTestBackend, eventually } from '@portico/test-utils';
import { FakeGithub } from './__testUtils__/FakeGithub';
import githubFeatures from './index';

describe('the github bundle with the catalog, scorecards and scaffolder installed', () => {
  it('contributes discovery, facts and actions without any of them knowing GitHub', async () => {
    const fake = await new FakeGithub().start();
    fake.addRepo('acme', 'payments', {
      files: { 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: payments\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n', 'README.md': '# p' },
      languages: { TypeScript: 10 },
    });
    const backend = await startTestBackend({
      features: [catalogPlugin, scorecardsPlugin, scaffolderPlugin, githubFeatures],
      config: {
        integrations: { github: [{ host: 'github.com', apiBaseUrl: fake.url, token: 't', writeIntervalMs: 0 }] },
        catalog: { processingInterval: 'PT1H', providers: { github: { acme: { organization: 'acme' } } } },
      },
    });
    try {
      const actions = await request(backend.server).get('/api/scaffolder/v2/actions').expect(200);
      const ids = (actions.body as Array<{ id: string }>).map(a => a.id);
      expect(ids).toEqual(expect.arrayContaining(['publish:github', 'github:pull-request', 'github:actions:dispatch']));
      await eventually(async () => (await request(backend.server).get('/api/catalog/entities/by-name/component/default/payments').expect(200)).body);
      const facts = await eventually(async () => {
        await request(backend.server).post('/api/scorecards/evaluate').send({ entityRef: 'component:default/payments' });
        const res = await request(backend.server).get('/api/scorecards/entities/component/default/payments/facts').expect(200);
        const names = JSON.stringify(res.body);
        expect(names).toContain('github.hasReadme');
        return names;
      }, 15000);
      expect(facts).toContain('github.primaryLanguage');
    } finally {
      await backend.stop();
      await fake.stop();
    }
  });
});
