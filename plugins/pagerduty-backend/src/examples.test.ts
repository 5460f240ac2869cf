import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import request from 'supertest';
import { parse } from 'yaml';
import { scaffolderPlugin } from '@portico/plugin-scaffolder-backend';
import { eventually } from '@portico/test-utils';
import { FakePagerDuty } from './__testUtils__/FakePagerDuty';
import { seedPagerDuty } from './__testUtils__/seedPagerDuty';
import { startPagerDutyBackend } from './__testUtils__/startPagerDutyBackend';

const root = path.resolve(__dirname, '../../..');
const templates = path.join(root, 'examples', 'templates');

describe('PagerDuty examples', () => {
  it('"New Node.js service" with its PagerDuty step creates the service and annotates the new component, whose card then shows it', async () => {
    const fake = await new FakePagerDuty().start();
    const seed = seedPagerDuty(fake);
    const repos = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-pd-repos-'));
    const backend = await startPagerDutyBackend(fake, {
      features: [scaffolderPlugin],
      config: {
        catalog: { locations: [{ type: 'file', target: path.join(templates, 'location.yaml') }] },
        integrations: { file: { roots: [templates, repos] }, pagerduty: [{ id: 'default', apiBaseUrl: fake.url, eventsBaseUrl: fake.url, token: 'good-key', timeoutMs: 1500 }] },
        scaffolder: { pollInterval: 50, git: { allowedRemotes: [pathToFileURL(repos).toString()] } },
      },
    });
    try {
      await eventually(async () => {
        await request(backend.server).get('/api/catalog/entities/by-name/template/default/new-node-service').expect(200);
      }, 20_000);
      // The PagerDuty plugin is installed: the optional step is available.
      const schema = await request(backend.server).get('/api/scaffolder/v2/templates/default/template/new-node-service/parameter-schema').expect(200);
      expect(schema.body.missingActions).toBeUndefined();
      const created = await request(backend.server)
        .post('/api/scaffolder/v2/tasks')
        .send({
          templateRef: 'template:default/new-node-service',
          values: { name: 'checkout', owner: 'group:default/payments', repoLocation: pathToFileURL(repos).toString(), pagerduty: true, escalationPolicyId: seed.policy.id },
        })
        .expect(201);
      const task = await eventually(async () => {
        const res = await request(backend.server).get(`/api/scaffolder/v2/tasks/${created.body.id}`).expect(200);
        expect(['completed', 'failed']).toContain(res.body.status);
        return res.body;
      }, 20_000);
      expect(task.error).toBeUndefined();
      const service = [...fake.services.values()].find(s => s.name === 'checkout')!;
      expect(service).toMatchObject({ policyId: seed.policy.id, description: 'A Node.js service' });
      const info = parse(fs.readFileSync(path.join(repos, 'checkout', 'catalog-info.yaml'), 'utf8'));
      expect(info.metadata.annotations).toEqual({ 'pagerduty.com/service-id': service.id });
      // Registered in the catalog: the new component's card reads the new service.
      const summary = await eventually(async () => (await request(backend.server).get('/api/pagerduty/entities/component/default/checkout/summary').expect(200)).body, 20_000);
      expect(summary.service).toMatchObject({ id: service.id, name: 'checkout' });
      expect(summary.escalationPolicy).toMatchObject({ id: seed.policy.id });
    } finally {
      await backend.cleanup();
      await fake.stop();
      fs.rmSync(repos, { recursive: true, force: true });
    }
  });
});

