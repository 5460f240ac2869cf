import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import knexFactory, { type Knex } from 'knex';
import { parse, parseAllDocuments } from 'yaml';
import type { TemplateEntityV1beta3 } from '@portico/plugin-scaffolder-common';
import { createTestEngine, fileReadingCatalog, guest, waitForStatus } from './__testUtils__/engineTestHarness';

const examples = path.resolve(__dirname, '..', '..', '..', 'examples', 'templates');
const load = (rel: string) => parse(fs.readFileSync(path.join(examples, rel), 'utf8')) as TemplateEntityV1beta3;

describe('example templates (examples/templates)', () => {
  let knex: Knex;
  let server: http.Server;
  let base = '';
  const calls: Array<{ url?: string; body: string; auth?: string }> = [];
  beforeAll(async () => {
    knex = knexFactory({ client: 'better-sqlite3', connection: { filename: ':memory:' }, useNullAsDefault: true });
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', c => (body += c));
      req.on('end', () => {
        calls.push({ url: req.url, body, auth: req.headers.authorization });
        if (req.url === '/grants') res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'grant-7' }));
        else res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await knex.destroy();
    await new Promise(r => server.close(r));
  });

  it('the Location lists both templates', () => {
    const location = parse(fs.readFileSync(path.join(examples, 'location.yaml'), 'utf8'));
    expect(location.spec.targets).toEqual(['./node-service/template.yaml', './database-access/template.yaml']);
  });

  let migrated = false;
  async function runNodeService(values: { name: string; owner: string } & Record<string, string | boolean>) {
    const repos = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-repos-'));
    const catalog = fileReadingCatalog();
    const e = await createTestEngine(
      { knex, engine: 'sqlite' },
      {
        migrate: !migrated,
        catalog,
        templates: [load('node-service/template.yaml')],
        baseUrl: pathToFileURL(path.join(examples, 'node-service', 'template.yaml')).toString(),
        git: { allowedRemotes: [pathToFileURL(repos).toString()] },
      },
    );
    migrated = true;
    await e.worker.start();
    try {
      const { id } = await e.service.createTask({ templateRef: 'template:default/new-node-service', values: { ...values, repoLocation: pathToFileURL(repos).toString() } }, guest);
      await waitForStatus(e, id, ['completed', 'failed']);
      return { task: await e.service.getTask(id), checkout: path.join(repos, values.name), catalog, e };
    } finally {
      await e.worker.stop();
    }
  }

  it('"New Node.js service" renders the skeleton, pushes to a local repository and registers it', async () => {
    const e = await createTestEngine({ knex, engine: 'sqlite' }, { migrate: !migrated, templates: [load('node-service/template.yaml')] });
    migrated = true;
    await expect(e.service.createTask({ templateRef: 'template:default/new-node-service', values: { name: 'Bad Name', owner: 'group:default/payments' } }, guest)).rejects.toMatchObject({ name: 'InputError' });
    const { task, checkout, catalog } = await runNodeService({ name: 'payments-api', owner: 'group:default/payments' });
    expect(task.error).toBeUndefined();
    expect(parse(fs.readFileSync(path.join(checkout, 'catalog-info.yaml'), 'utf8'))).toMatchObject({ metadata: { name: 'payments-api' }, spec: { owner: 'group:default/payments' } });
    expect(JSON.parse(fs.readFileSync(path.join(checkout, 'package.json'), 'utf8'))).toMatchObject({ name: 'payments-api', description: 'A Node.js service' });
    expect(fs.readFileSync(path.join(checkout, 'src', 'index.js'), 'utf8')).toContain('payments-api listening on ${port}');
    expect(catalog.registered).toEqual([`${pathToFileURL(checkout).toString()}/catalog-info.yaml`]);
    expect(task.output?.links).toEqual([
      { title: 'Repository', url: pathToFileURL(checkout).toString() },
      { title: 'Open in the catalog', icon: 'catalog', entityRef: 'component:default/payments-api' },
    ]);
  });

  it('"New Node.js service" skips its optional PagerDuty step unless chosen, even on a portal without the PagerDuty plugin', async () => {
    const { task, checkout } = await runNodeService({ name: 'no-paging', owner: 'group:default/payments' });
    expect(task.error).toBeUndefined();
    expect(task.steps?.map(s => [s.id, s.status])).toEqual([
      ['pagerduty', 'skipped'],
      ['fetch', 'completed'],
      ['publish', 'completed'],
      ['register', 'completed'],
    ]);
    const entity = parse(fs.readFileSync(path.join(checkout, 'catalog-info.yaml'), 'utf8'));
    expect(entity.metadata.annotations).toBeUndefined();
  });

  it('"New Node.js service" needs an escalation policy when the PagerDuty step is chosen, and names the missing plugin when it runs', async () => {
    const e = await createTestEngine({ knex, engine: 'sqlite' }, { migrate: !migrated, templates: [load('node-service/template.yaml')] });
    migrated = true;
    await expect(e.service.createTask({ templateRef: 'template:default/new-node-service', values: { name: 'paged', owner: 'group:default/payments', pagerduty: true } }, guest)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/escalationPolicyId/),
    });
    // The page of the template says the optional step is unavailable on this portal.
    const schema = await e.service.parameterSchema('template:default/new-node-service', guest);
    expect(schema.missingActions).toEqual([expect.objectContaining({ action: 'pagerduty:service:create', stepId: 'pagerduty', optional: true, pluginId: 'pagerduty', packageName: '@portico/plugin-pagerduty-backend' })]);
    const { task } = await runNodeService({ name: 'paged', owner: 'group:default/payments', pagerduty: true, escalationPolicyId: 'PEP1234' });
    expect(task.status).toBe('failed');
    expect(task.error).toMatch(/'pagerduty:service:create' is not registered: it comes from the 'pagerduty' plugin.*@portico\/plugin-pagerduty-backend/);
  });

  it('"New Node.js service" keeps a hostile owner and description inside their YAML strings: one entity, the values as typed', async () => {
    const owner = 'group:default/platform\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: evil\nspec:\n  type: team';
    const description = 'Says "hi"\n---\nkind: User\nmetadata: { name: mallory } # and \u2028 more';
    const { task, checkout, catalog } = await runNodeService({ name: 'inject-me', owner, description });
    expect(task.error).toBeUndefined();
    const docs = parseAllDocuments(fs.readFileSync(path.join(checkout, 'catalog-info.yaml'), 'utf8'));
    expect(docs).toHaveLength(1);
    expect(docs[0].toJS()).toMatchObject({ kind: 'Component', metadata: { name: 'inject-me', description }, spec: { owner } });
    expect(catalog.registered).toHaveLength(1);
    expect(task.output?.links).toContainEqual({ title: 'Open in the catalog', icon: 'catalog', entityRef: 'component:default/inject-me' });
  });

  it('"Documentation site" (examples/catalog/templates) renders its MkDocs skeleton, pushes it and registers it with built-in actions only', async () => {
    const docsDir = path.resolve(examples, '..', 'catalog', 'templates');
    const repos = fs.mkdtempSync(path.join(os.tmpdir(), 'portico-repos-'));
    const catalog = fileReadingCatalog();
    const e = await createTestEngine(
      { knex, engine: 'sqlite' },
      {
        migrate: !migrated,
        catalog,
        templates: [parse(fs.readFileSync(path.join(docsDir, 'docs-site.yaml'), 'utf8')) as TemplateEntityV1beta3],
        baseUrl: pathToFileURL(path.join(docsDir, 'docs-site.yaml')).toString(),
        git: { allowedRemotes: [pathToFileURL(repos).toString()] },
      },
    );
    migrated = true;
    await e.worker.start();
    try {
      const { id } = await e.service.createTask({ templateRef: 'template:default/docs-site', values: { name: 'handbook', owner: 'group:default/design', repoLocation: pathToFileURL(repos).toString() } }, guest);
      await waitForStatus(e, id, ['completed', 'failed']);
      const task = await e.service.getTask(id);
      expect(task.error).toBeUndefined();
      const checkout = path.join(repos, 'handbook');
      expect(parse(fs.readFileSync(path.join(checkout, 'catalog-info.yaml'), 'utf8'))).toMatchObject({ metadata: { name: 'handbook' }, spec: { type: 'website', owner: 'group:default/design' } });
      expect(fs.readFileSync(path.join(checkout, 'mkdocs.yml'), 'utf8')).toContain('site_name: handbook');
      expect(fs.readFileSync(path.join(checkout, 'docs', 'index.md'), 'utf8')).toContain('# handbook');
      expect(catalog.registered).toEqual([`${pathToFileURL(checkout).toString()}/catalog-info.yaml`]);
    } finally {
      await e.worker.stop();
    }
  });

  it('"Request database access" waits for the owner team, then the platform team, then grants and notifies', async () => {
    const template = load('database-access/template.yaml');
    const grant = template.spec.steps.find(s => s.id === 'grant')!;
    grant.input!.url = `${base}/grants`;
    const e = await createTestEngine(
      { knex, engine: 'sqlite' },
      { migrate: !migrated, templates: [template], http: { allowedHosts: [base.replace('http://', '')] }, slackWebhookUrl: `${base}/slack` },
    );
    await e.worker.start();
    try {
      const { id } = await e.service.createTask(
        { templateRef: 'request-database-access', values: { database: 'resource:default/orders-db', reason: 'debugging a failed order', access: 'read' }, secrets: { accessApiToken: 't0ken-abc' } },
        guest,
      );
      await waitForStatus(e, id, ['waiting']);
      const dba = { userEntityRef: 'user:default/dana', ownershipEntityRefs: ['user:default/dana', 'group:default/dbas'] };
      const [approval] = await e.service.inbox(dba);
      expect(approval.request).toMatchObject({ kind: 'approval', title: 'user:default/guest asks for read access to resource:default/orders-db', assignees: ['group:default/dbas'] });
      await e.service.answer(id, 'approve', { decision: 'approve' }, dba);

      await waitForStatus(e, id, ['waiting']);
      const platform = { userEntityRef: 'user:default/pat', ownershipEntityRefs: ['user:default/pat', 'group:default/platform'] };
      const [input] = await e.service.inbox(platform);
      expect(input.request.kind).toBe('input');
      await expect(e.service.answer(id, 'provision', { decision: 'submit', values: { role: 'root', days: 7 } }, platform)).rejects.toMatchObject({ name: 'InputError' });
      await e.service.answer(id, 'provision', { decision: 'submit', values: { role: 'reader', days: 7 } }, platform);

      await waitForStatus(e, id, ['completed', 'failed']);
      const task = await e.service.getTask(id);
      expect(task.error).toBeUndefined();
      expect(task.output).toEqual({ text: [{ title: 'Grant', content: 'Grant grant-7 expires in 7 days.' }] });
      const grantCall = calls.find(c => c.url === '/grants')!;
      expect(JSON.parse(grantCall.body)).toEqual({ user: 'user:default/guest', database: 'resource:default/orders-db', role: 'reader', days: 7, approvedBy: 'user:default/dana' });
      expect(grantCall.auth).toBe('Bearer t0ken-abc');
      expect(JSON.parse(calls.find(c => c.url === '/slack')!.body).text).toContain('got reader on resource:default/orders-db for 7 days (approved by user:default/dana)');
      const log = (await e.service.events(id)).map(ev => ev.body.message).join('\n');
      expect(log).not.toContain('t0ken-abc');
    } finally {
      await e.worker.stop();
    }
  });
});
