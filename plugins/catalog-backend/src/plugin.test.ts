import request from 'supertest';
import { z } from 'zod';
import { createBackendModule } from '@portico/backend-plugin-api';
import { catalogKindsExtensionPoint, catalogProvidersExtensionPoint, catalogServiceRef, type EntityProviderConnection } from '@portico/plugin-catalog-node';
import { describeEachDatabase, eventually } from '@portico/test-utils';
import { catalogPlugin } from './plugin';
import { startCatalogBackend } from './__testUtils__/testCatalogBackend';

describeEachDatabase('catalog extension points', db => {
  let app: Awaited<ReturnType<typeof startCatalogBackend>>;
  let connection: EntityProviderConnection | undefined;
  const refreshed: string[][] = [];

  const extensions = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-extensions',
    register(env) {
      env.registerInit({
        deps: { kinds: catalogKindsExtensionPoint, providers: catalogProvidersExtensionPoint },
        async init({ kinds, providers }) {
          kinds.addKind({
            apiVersions: ['acme.com/v1'],
            kind: 'ServiceLevel',
            specSchema: z.object({ component: z.string().min(1), objective: z.number().min(0).max(100) }),
            relations: e => [{ type: 'measures', targetRef: String(e.spec?.component), defaultKind: 'component' }],
            relationPairs: [['measures', 'measuredBy']],
          });
          providers.addEntityProvider({
            getProviderName: () => 'test-provider',
            async connect(c) { connection = c; },
            async refresh(keys) { refreshed.push(keys); },
          });
        },
      });
    },
  });

  beforeAll(async () => {
    app = await startCatalogBackend({ config: { backend: { database: db.config } }, features: [catalogPlugin, extensions], roots: [] });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('accepts a kind contributed through catalog.kinds, with its relation pair in both directions', async () => {
    await connection!.applyMutation({
      type: 'full',
      entities: [
        { locationKey: 'test', entity: { apiVersion: 'acme.com/v1', kind: 'ServiceLevel', metadata: { name: 'checkout-slo' }, spec: { component: 'checkout', objective: 99.9 } } },
        { locationKey: 'test', entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'checkout' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } } },
        { locationKey: 'test', entity: { apiVersion: 'acme.com/v1', kind: 'ServiceLevel', metadata: { name: 'bad-slo' }, spec: { component: 'checkout', objective: 120 } } },
      ],
    });
    const slo = await request(app.server).get('/api/catalog/entities/by-name/servicelevel/default/checkout-slo').expect(200);
    expect(slo.body.relations).toEqual([{ type: 'measures', targetRef: 'component:default/checkout' }]);
    const component = await request(app.server).get('/api/catalog/entities/by-name/component/default/checkout').expect(200);
    expect(component.body.relations).toContainEqual({ type: 'measuredBy', targetRef: 'servicelevel:default/checkout-slo' });
    const errors = await request(app.server).get('/api/catalog/entities/errors?entityRef=servicelevel:default/bad-slo').expect(200);
    expect(errors.body.items).toEqual([expect.objectContaining({ reason: 'validation', locationKey: 'test', message: expect.stringMatching(/^spec\.objective: /) })]);
  });

  it('routes POST /refresh to the provider that owns the entity', async () => {
    await request(app.server).post('/api/catalog/refresh').send({ entityRef: 'component:default/checkout' }).expect(200);
    expect(refreshed).toContainEqual(['test', 'component:default/checkout']);
  });

  it('applies delta mutations from a provider and serves them through catalogServiceRef', async () => {
    await connection!.applyMutation({ type: 'delta', added: [], removed: [{ entityRef: 'servicelevel:default/checkout-slo' }] });
    const catalog = await app.backend.getService(catalogServiceRef);
    await eventually(async () => {
      expect(await catalog.getEntityByRef('servicelevel:default/checkout-slo')).toBeUndefined();
    });
    const checkout = await catalog.getEntityByRef('component:default/checkout');
    expect(checkout?.relations).not.toContainEqual({ type: 'measuredBy', targetRef: 'servicelevel:default/checkout-slo' });
  });
});
