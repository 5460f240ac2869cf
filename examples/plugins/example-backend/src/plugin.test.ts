import request from 'supertest';
import { coreServices, createBackendModule, createServiceFactory, type PermissionsService } from '@portico/backend-plugin-api';
import { startTestBackend, type TestBackend } from '@portico/test-utils';
import { examplePlugin } from './plugin';
import { exampleModuleSignature } from './module';
import { exampleDecoratorsExtensionPoint } from './extensions';
import exampleFeatures from './index';

describe('the example plugin', () => {
  let backend: TestBackend | undefined;
  afterEach(async () => {
    await backend?.stop();
    backend = undefined;
  });

  it('serves the greeting from config', async () => {
    backend = await startTestBackend({ features: [examplePlugin], config: { example: { greeting: 'Hi there' } } });
    const res = await request(backend.server).get('/api/example/greeting');
    expect(res.body).toEqual({ greeting: 'Hi there' });
  });

  it('stores things in its own table and lists them per entity', async () => {
    backend = await startTestBackend({ features: [examplePlugin] });
    const first = await request(backend.server).post('/api/example/things').send({ name: 'runbook', entityRef: 'component:default/api' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ id: expect.any(String), name: 'runbook', entityRef: 'component:default/api', createdAt: expect.any(String) });
    await request(backend.server).post('/api/example/things').send({ name: 'unrelated' });

    const forEntity = await request(backend.server).get('/api/example/things').query({ entityRef: 'component:default/api' });
    expect(forEntity.body).toEqual({ items: [first.body] });
    expect((await request(backend.server).get('/api/example/things')).body.items).toHaveLength(2);
    expect((await request(backend.server).get(`/api/example/things/${first.body.id}`)).body).toEqual(first.body);
  });

  it('refuses to add a thing when the policy denies example.thing.create, and adds nothing', async () => {
    const denyCreate = createServiceFactory({
      service: coreServices.permissions,
      deps: {},
      factory: (): PermissionsService => ({
        async authorize(requests) {
          return requests.map(r => (r.permission.name === 'example.thing.create' ? { result: 'DENY' as const, reason: 'Only admins add things' } : { result: 'ALLOW' as const }));
        },
        async authorizeConditional(requests) {
          return requests.map(() => ({ result: 'ALLOW' as const }));
        },
      }),
    });
    backend = await startTestBackend({ features: [examplePlugin, denyCreate] });
    const refused = await request(backend.server).post('/api/example/things').send({ name: 'runbook' }).expect(403);
    expect(refused.body.error.message).toBe('Only admins add things');
    expect((await request(backend.server).get('/api/example/things').expect(200)).body.items).toEqual([]);
  });

  it('lets modules decorate the greeting through its extension point', async () => {
    const shout = createBackendModule({
      pluginId: 'example',
      moduleId: 'shout',
      register: env =>
        env.registerInit({
          deps: { decorators: exampleDecoratorsExtensionPoint },
          init: ({ decorators }) => decorators.addDecorator(greeting => greeting.toUpperCase()),
        }),
    });
    backend = await startTestBackend({
      features: [examplePlugin, exampleModuleSignature, shout],
      config: { example: { greeting: 'hello', signature: 'with love' } },
    });
    const res = await request(backend.server).get('/api/example/greeting');
    // Both modules run before the plugin, in either order.
    expect(['HELLO (with love)', 'HELLO (WITH LOVE)']).toContain(res.body.greeting);
  });

  it('installs the plugin with its module through the default export', async () => {
    backend = await startTestBackend({ features: [exampleFeatures] });
    expect((await request(backend.server).get('/api/example/greeting')).body).toEqual({
      greeting: 'Hello from Portico (the platform team)',
    });
  });

  it('answers bad input with a 400 naming the field, and unknown ids with a 404', async () => {
    backend = await startTestBackend({ features: [examplePlugin] });
    const noName = await request(backend.server).post('/api/example/things').send({ name: '' });
    expect(noName.status).toBe(400);
    expect(noName.body.error).toMatchObject({ name: 'InputError', message: expect.stringContaining('body.name') });
    const badRef = await request(backend.server).get('/api/example/things').query({ entityRef: 'not a ref' });
    expect(badRef.status).toBe(400);
    expect(badRef.body.error.message).toContain('query.entityRef');
    const missing = await request(backend.server).get('/api/example/things/1b4e28ba-2fa1-41d2-883f-0016d3cca427');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { name: 'NotFoundError', message: "No thing with id '1b4e28ba-2fa1-41d2-883f-0016d3cca427'", requestId: expect.any(String) } });
  });

  it('refuses to start with an invalid greeting in config', async () => {
    await expect(startTestBackend({ features: [examplePlugin], config: { example: { greeting: '' } } })).rejects.toThrow(
      /^Invalid config at example\.greeting: /,
    );
  });
});
