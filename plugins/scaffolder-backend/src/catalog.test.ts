import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import catalogPlugin from '@portico/plugin-catalog-backend';
import { eventually, startTestBackend, type TestBackend } from '@portico/test-utils';
import { scaffolderPlugin } from './index';

const examples = path.resolve(__dirname, '..', '..', '..', 'examples', 'templates');

describe('scaffolder with the real catalog', () => {
  let backend: TestBackend;
  const repos = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-e2e-repos-'));
  beforeAll(async () => {
    backend = await startTestBackend({
      features: [catalogPlugin, scaffolderPlugin],
      config: {
        catalog: { locations: [{ type: 'file', target: path.join(examples, 'location.yaml') }] },
        integrations: { file: { roots: [examples, repos] } },
        scaffolder: { pollInterval: 50, git: { allowedRemotes: [pathToFileURL(repos).toString()] } },
      },
    });
  });
  afterAll(() => backend.stop());

  it('reads templates from the catalog, runs "New Node.js service" and registers the result in the catalog', async () => {
    await eventually(async () => {
      const res = await request(backend.server).get('/api/catalog/entities/by-name/template/default/new-node-service');
      if (res.status !== 200) throw new Error('timed out waiting for the template in the catalog');
      return res.body;
    }, 20_000);
    const schema = await request(backend.server).get('/api/scaffolder/v2/templates/default/template/new-node-service/parameter-schema').expect(200);
    expect(schema.body.steps.map((s: { title: string }) => s.title)).toEqual(['About the service', 'Repository', 'On call (optional)']);

    const created = await request(backend.server)
      .post('/api/scaffolder/v2/tasks')
      .send({ templateRef: 'template:default/new-node-service', values: { name: 'ledger', owner: 'group:default/payments', repoLocation: pathToFileURL(repos).toString() } })
      .expect(201);
    const task = await eventually(async () => {
      const res = await request(backend.server).get(`/api/scaffolder/v2/tasks/${created.body.id}`);
      if (!['completed', 'failed'].includes(res.body.status)) throw new Error('timed out waiting for the run');
      return res.body;
    }, 20_000);
    expect(task.error).toBeUndefined();
    expect(task.status).toBe('completed');
    expect(task.output.links[1]).toEqual({ title: 'Open in the catalog', icon: 'catalog', entityRef: 'component:default/ledger' });

    const component = await eventually(async () => {
      const res = await request(backend.server).get('/api/catalog/entities/by-name/component/default/ledger');
      if (res.status !== 200) throw new Error('timed out waiting for the new component in the catalog');
      return res.body;
    }, 20_000);
    expect(component.spec).toMatchObject({ owner: 'group:default/payments', type: 'service' });
  });
});
