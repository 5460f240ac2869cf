import http from 'node:http';
import path from 'node:path';
import request from 'supertest';
import { coreServices, createBackendModule, createServiceFactory, type Credentials, type PermissionsService, type Principal } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import type { CatalogApi } from '@portico/plugin-catalog-common';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { z } from 'zod';
import { createTemplateAction, scaffolderActionsExtensionPoint, scaffolderConditions, scaffolderPlugin } from './index';

const fixtures = path.join(__dirname, '__fixtures__', 'templates');

const templates: Entity[] = [
  {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'access', namespace: 'default', title: 'Request access', annotations: { 'backstage.io/managed-by-location': `file:${path.join(fixtures, 'template.yaml')}` } },
    spec: {
      parameters: [{ title: 'Who', type: 'object', required: ['reason'], properties: { reason: { type: 'string', minLength: 3 } } }],
      steps: [
        { id: 'fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: 'svc', owner: 'team', description: '${{ parameters.reason }}' } } },
        { id: 'approve', action: 'approval:request', input: { title: 'Grant access for ${{ parameters.reason }}?', approvers: ['group:default/dbas'] } },
        { id: 'custom', action: 'acme:echo', input: { text: 'approved by ${{ steps.approve.output.approvedBy }}' } },
      ],
      output: { text: [{ title: 'Result', content: '${{ steps.custom.output.echoed }}' }] },
    },
  },
  {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name: 'on-github', namespace: 'default', title: 'On GitHub' },
    spec: {
      steps: [
        { id: 'log', action: 'debug:log', input: { message: 'hi' } },
        { id: 'publish', name: 'Create the repository', action: 'publish:github', input: {} },
      ],
    },
  },
];

/** A catalog with the test templates; records registered locations. */
const catalogFactory = createServiceFactory({
  service: catalogServiceRef,
  deps: {},
  factory: () =>
    ({
      async getEntityByRef(ref: string | { kind: string; namespace?: string; name: string }) {
        const r = typeof ref === 'string' ? { name: ref.split('/').pop()! } : ref;
        return templates.find(t => t.metadata.name === r.name);
      },
      async addLocation() {
        return { location: { id: '1', type: 'url', target: 'x' }, entities: [] };
      },
    }) as unknown as CatalogApi,
});

/** Requests act as the user named in `x-test-user` (default guest); `x-test-groups` adds groups. */
const httpAuthFactory = createServiceFactory({
  service: coreServices.httpAuth,
  deps: {},
  factory: () => ({
    async credentials<T extends Principal['type'] = Principal['type']>(req: http.IncomingMessage) {
      const user = (req.headers['x-test-user'] as string | undefined) ?? 'user:default/guest';
      const groups = ((req.headers['x-test-groups'] as string | undefined) ?? '').split(',').filter(Boolean);
      return { $$type: '@portico/Credentials', principal: { type: 'user', userEntityRef: user, ownershipEntityRefs: [user, ...groups] } } as Credentials<Extract<Principal, { type: T }>>;
    },
  }),
});

const echoModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'acme-echo',
  register(env) {
    env.registerInit({
      deps: { actions: scaffolderActionsExtensionPoint },
      async init({ actions }) {
        actions.addActions(
          createTemplateAction({
            id: 'acme:echo',
            description: 'Echoes its text',
            schema: { input: z.object({ text: z.string() }), output: z.object({ echoed: z.string() }) },
            async handler(ctx) {
              ctx.logger.info(`echo ${ctx.input.text}`);
              ctx.output('echoed', ctx.input.text);
            },
          }),
        );
      },
    });
  },
});

async function waitForStatus(backend: TestBackend, id: string, statuses: string[]) {
  for (let i = 0; i < 300; i++) {
    const res = await request(backend.server).get(`/api/scaffolder/v2/tasks/${id}`);
    if (statuses.includes(res.body.status)) return res.body;
    await new Promise(r => setTimeout(r, 30));
  }
  throw new Error(`task ${id} never reached ${statuses.join('/')}`);
}

/** Reads a server-sent event stream until it ends. */
function readEventStream(url: string): Promise<Array<{ event: string; data: { type: string; body: { message: string; status?: string } } }>> {
  return new Promise((resolve, reject) => {
    http
      .get(url, res => {
        if (!res.headers['content-type']?.startsWith('text/event-stream')) reject(new Error(`content-type ${res.headers['content-type']}`));
        let text = '';
        res.on('data', c => (text += c));
        res.on('end', () =>
          resolve(
            text
              .split('\n\n')
              .filter(block => block.startsWith('event:'))
              .map(block => {
                const lines = Object.fromEntries(block.split('\n').map(l => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
                return { event: lines.event, data: JSON.parse(lines.data) };
              }),
          ),
        );
      })
      .on('error', reject);
  });
}

describe('scaffolder plugin over HTTP', () => {
  let backend: TestBackend;
  beforeAll(async () => {
    backend = await startTestBackend({
      features: [scaffolderPlugin, echoModule, catalogFactory, httpAuthFactory],
      config: { scaffolder: { pollInterval: 50, heartbeatInterval: 100 } },
    });
  });
  afterAll(() => backend.stop());

  it('lists built-in and contributed actions with JSON Schemas', async () => {
    const res = await request(backend.server).get('/api/scaffolder/v2/actions').expect(200);
    const ids = res.body.map((a: { id: string }) => a.id);
    expect(ids).toEqual(expect.arrayContaining([
      'fetch:template', 'fetch:plain', 'fs:rename', 'fs:delete', 'debug:log', 'debug:wait', 'http:request', 'data:transform',
      'input:request', 'approval:request', 'notify:slack', 'catalog:register', 'publish:git', 'acme:echo',
    ]));
    const echo = res.body.find((a: { id: string }) => a.id === 'acme:echo');
    expect(echo.schema.input).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
    expect(echo.supportsDryRun).toBe(false);
  });

  it('serves the parameter schema of a template and an OpenAPI document', async () => {
    const res = await request(backend.server).get('/api/scaffolder/v2/templates/default/template/access/parameter-schema').expect(200);
    expect(res.body).toMatchObject({ title: 'Request access', steps: [{ title: 'Who', schema: { required: ['reason'] } }] });
    await request(backend.server).get('/api/scaffolder/v2/templates/default/template/nope/parameter-schema').expect(404);
    const doc = await request(backend.server).get('/api/scaffolder/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/v2/tasks', '/v2/tasks/{taskId}/eventstream', '/v2/inbox', '/v2/tasks/{taskId}/steps/{stepId}/approve']));
  });

  it('describes a template whose action no installed plugin provides as unavailable, and refuses to run it, naming the plugin', async () => {
    const schema = await request(backend.server).get('/api/scaffolder/v2/templates/default/template/on-github/parameter-schema').expect(200);
    expect(schema.body.missingActions).toEqual([
      {
        action: 'publish:github',
        stepId: 'publish',
        stepName: 'Create the repository',
        optional: false,
        pluginId: 'github',
        packageName: '@portico/plugin-github-backend',
        reason: "Action 'publish:github' is not registered: it comes from the 'github' plugin, which this portal does not run (add @portico/plugin-github-backend to backend.plugins)",
      },
    ]);
    const refused = await request(backend.server).post('/api/scaffolder/v2/tasks').send({ templateRef: 'template:default/on-github', values: {} }).expect(400);
    expect(refused.body.error.message).toBe(
      "This template cannot run on this portal: Action 'publish:github' is not registered: it comes from the 'github' plugin, which this portal does not run (add @portico/plugin-github-backend to backend.plugins) (step 'publish')",
    );
    // A template whose actions are all there carries no missingActions.
    const fine = await request(backend.server).get('/api/scaffolder/v2/templates/default/template/access/parameter-schema').expect(200);
    expect(fine.body.missingActions).toBeUndefined();
  });

  it('answers bad input with 400s that name the problem', async () => {
    const noRef = await request(backend.server).post('/api/scaffolder/v2/tasks').send({ values: {} }).expect(400);
    expect(noRef.body.error.message).toMatch(/body.templateRef/);
    const badValues = await request(backend.server).post('/api/scaffolder/v2/tasks').send({ templateRef: 'template:default/access', values: { reason: 'x' } }).expect(400);
    expect(badValues.body.error.message).toMatch(/values.reason must NOT have fewer than 3 characters/);
    await request(backend.server).post('/api/scaffolder/v2/tasks').send({ templateRef: 'template:default/missing' }).expect(404);
    await request(backend.server).get('/api/scaffolder/v2/tasks?limit=0').expect(400);
    await request(backend.server).get('/api/scaffolder/v2/tasks/does-not-exist').expect(404);
    const dry = await request(backend.server).post('/api/scaffolder/v2/dry-run').send({ template: { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'x' }, spec: { steps: [{ id: 'a', action: 'nope' }] } } }).expect(400);
    expect(dry.body.error.message).toMatch(/'nope' is not registered/);
  });

  it('runs a template with an approval: inbox, approve, event stream, task list', async () => {
    const created = await request(backend.server).post('/api/scaffolder/v2/tasks').send({ templateRef: 'template:default/access', values: { reason: 'debugging' } }).expect(201);
    const id = created.body.id as string;
    await waitForStatus(backend, id, ['waiting']);

    const guestInbox = await request(backend.server).get('/api/scaffolder/v2/inbox').expect(200);
    expect(guestInbox.body.items).toEqual([]);
    const dba = { 'x-test-user': 'user:default/dana', 'x-test-groups': 'group:default/dbas' };
    const inbox = await request(backend.server).get('/api/scaffolder/v2/inbox').set(dba).expect(200);
    expect(inbox.body.items).toEqual([expect.objectContaining({ taskId: id, stepId: 'approve', request: expect.objectContaining({ kind: 'approval', title: 'Grant access for debugging?' }) })]);

    await request(backend.server).post(`/api/scaffolder/v2/tasks/${id}/steps/approve/approve`).send({}).expect(403);
    await request(backend.server).post(`/api/scaffolder/v2/tasks/${id}/steps/approve/submit`).set(dba).send({ values: {} }).expect(400);
    const stream = readEventStream(`${backend.url}/api/scaffolder/v2/tasks/${id}/eventstream`);
    await request(backend.server).post(`/api/scaffolder/v2/tasks/${id}/steps/approve/approve`).set(dba).send({ comment: 'go' }).expect(200);
    await request(backend.server).post(`/api/scaffolder/v2/tasks/${id}/steps/approve/approve`).set(dba).send({}).expect(404);

    const events = await stream;
    expect(events[events.length - 1]).toMatchObject({ event: 'completion', data: { type: 'completion', body: { status: 'completed' } } });
    expect(events.map(e => e.data.body.message).join('\n')).toContain('echo approved by user:default/dana');

    const task = await waitForStatus(backend, id, ['completed']);
    expect(task.output).toEqual({ text: [{ title: 'Result', content: 'approved by user:default/dana' }] });
    expect(task.steps.map((s: { status: string }) => s.status)).toEqual(['completed', 'completed', 'completed']);

    const list = await request(backend.server).get('/api/scaffolder/v2/tasks?createdBy=user:default/guest&status=completed').expect(200);
    expect(list.body.totalTasks).toBeGreaterThanOrEqual(1);
    expect(list.body.tasks.map((t: { id: string }) => t.id)).toContain(id);
    await request(backend.server).post(`/api/scaffolder/v2/tasks/${id}/cancel`).expect(409);
    await request(backend.server).post(`/api/scaffolder/v2/tasks/${id}/retry`).expect(409);
  });

  it('refuses an approval from the one who started the run, even when they are an assignee, and records who approved', async () => {
    const dana = { 'x-test-user': 'user:default/dana', 'x-test-groups': 'group:default/dbas' };
    const { body } = await request(backend.server).post('/api/scaffolder/v2/tasks').set(dana).send({ templateRef: 'template:default/access', values: { reason: 'my own' } }).expect(201);
    await waitForStatus(backend, body.id, ['waiting']);
    const refused = await request(backend.server).post(`/api/scaffolder/v2/tasks/${body.id}/steps/approve/approve`).set(dana).send({}).expect(403);
    expect(refused.body.error.message).toBe('user:default/dana started this run and may not approve its own request');
    const dora = { 'x-test-user': 'user:default/dora', 'x-test-groups': 'group:default/dbas' };
    await request(backend.server).post(`/api/scaffolder/v2/tasks/${body.id}/steps/approve/approve`).set(dora).send({}).expect(200);
    const task = await waitForStatus(backend, body.id, ['completed']);
    expect(task.output).toEqual({ text: [{ title: 'Result', content: 'approved by user:default/dora' }] });
  });

  it('cancels a waiting run and retries it', async () => {
    const { body } = await request(backend.server).post('/api/scaffolder/v2/tasks').send({ templateRef: 'template:default/access', values: { reason: 'again' } }).expect(201);
    await waitForStatus(backend, body.id, ['waiting']);
    expect((await request(backend.server).post(`/api/scaffolder/v2/tasks/${body.id}/cancel`).expect(200)).body.status).toBe('cancelled');
    const stored = await request(backend.server).get(`/api/scaffolder/v2/tasks/${body.id}/events`).expect(200);
    expect(stored.body.map((e: { type: string }) => e.type)).toContain('cancelled');
    await request(backend.server).post(`/api/scaffolder/v2/tasks/${body.id}/retry`).send({}).expect(201);
    await waitForStatus(backend, body.id, ['waiting']);
    const task = (await request(backend.server).get(`/api/scaffolder/v2/tasks/${body.id}`)).body;
    expect(task.steps[1]).toMatchObject({ id: 'approve', status: 'waiting', waitingFor: { kind: 'approval' } });
    // The stream of a retried run goes past the earlier attempt's completion event.
    const stream = readEventStream(`${backend.url}/api/scaffolder/v2/tasks/${body.id}/eventstream`);
    await request(backend.server).post(`/api/scaffolder/v2/tasks/${body.id}/steps/approve/approve`).set({ 'x-test-user': 'user:default/dana', 'x-test-groups': 'group:default/dbas' }).expect(200);
    const events = (await stream).filter(e => e.event === 'completion');
    expect(events.map(e => e.data.body.status)).toEqual(['cancelled', 'completed']);
  });

  it.each([
    ['a NUL', 'a\u0000b.txt', /must not contain a NUL character/],
    ['an absolute path', '/etc/cron.d/x', /must be a relative path/],
    ['a .. that escapes', 'a/../../x', /must name a file inside the workspace/],
  ])('answers 400 naming the field for a directoryContents path with %s', async (_what, badPath, message) => {
    const res = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template: { apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name: 'dry' }, spec: { steps: [{ id: 'log', action: 'debug:log', input: { message: 'x' } }] } },
        directoryContents: [{ path: 'ok.txt', base64Content: '' }, { path: badPath, base64Content: Buffer.from('x').toString('base64') }],
      })
      .expect(400);
    expect(res.body.error.message).toMatch(/body\.directoryContents\.1\.path/);
    expect(res.body.error.message).toMatch(message);
  });

  it('dry-runs a template sent in the body', async () => {
    const res = await request(backend.server)
      .post('/api/scaffolder/v2/dry-run')
      .send({
        template: {
          apiVersion: 'scaffolder.backstage.io/v1beta3',
          kind: 'Template',
          metadata: { name: 'dry' },
          spec: {
            steps: [
              { id: 'log', action: 'debug:log', input: { message: 'hi ${{ parameters.who }}' } },
              { id: 'echo', action: 'acme:echo', input: { text: 'x' } },
            ],
          },
        },
        values: { who: 'you' },
        directoryContents: [{ path: 'a.txt', base64Content: Buffer.from('A').toString('base64') }],
      })
      .expect(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.steps.map((s: { status: string }) => s.status)).toEqual(['completed', 'skipped']);
    expect(res.body.log.map((l: { body: { message: string } }) => l.body.message)).toEqual(expect.arrayContaining(['hi you']));
    expect(res.body.directoryContents).toEqual([{ path: 'a.txt', base64Content: 'QQ==', executable: false }]);
  });
});

describe('scaffolder runs under a conditional read decision', () => {
  let backend: TestBackend;
  const ownRunsOnly = createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: (): PermissionsService => ({
      async authorize(requests) {
        return requests.map(r => ({ result: r.permission.name === 'scaffolder.task.cancel' ? ('DENY' as const) : ('ALLOW' as const) }));
      },
      async authorizeConditional(requests, { credentials }) {
        const claims = credentials.principal.type === 'user' ? credentials.principal.ownershipEntityRefs : [];
        return requests.map(() => ({
          result: 'CONDITIONAL' as const,
          pluginId: 'scaffolder',
          resourceType: 'scaffolder-task',
          conditions: scaffolderConditions.isTaskOwner({ claims }),
        }));
      },
    }),
  });

  beforeAll(async () => {
    backend = await startTestBackend({
      features: [scaffolderPlugin, echoModule, catalogFactory, httpAuthFactory, ownRunsOnly],
      config: { scaffolder: { pollInterval: 50, heartbeatInterval: 100 } },
    });
  });
  afterAll(() => backend.stop());

  it('lists only the caller’s own runs, counted in the query, and refuses a cancel the policy denies', async () => {
    const dana = { 'x-test-user': 'user:default/dana', 'x-test-groups': 'group:default/dbas' };
    const mine = await request(backend.server).post('/api/scaffolder/v2/tasks').send({ templateRef: 'template:default/access', values: { reason: 'guest run' } }).expect(201);
    const hers = await request(backend.server).post('/api/scaffolder/v2/tasks').set(dana).send({ templateRef: 'template:default/access', values: { reason: 'dana run' } }).expect(201);
    const asGuest = await request(backend.server).get('/api/scaffolder/v2/tasks?limit=1').expect(200);
    expect(asGuest.body).toMatchObject({ totalTasks: 1, tasks: [{ id: mine.body.id, createdBy: 'user:default/guest' }] });
    const asDana = await request(backend.server).get('/api/scaffolder/v2/tasks').set(dana).expect(200);
    expect(asDana.body.tasks.map((t: { id: string }) => t.id)).toEqual([hers.body.id]);
    expect(asDana.body.totalTasks).toBe(1);
    await request(backend.server).post(`/api/scaffolder/v2/tasks/${mine.body.id}/cancel`).expect(403);
    await request(backend.server).post('/api/scaffolder/v2/tasks/does-not-exist/cancel').expect(404);
  });
});
