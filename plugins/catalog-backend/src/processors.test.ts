import request from 'supertest';
import { createBackendModule } from '@portico/backend-plugin-api';
import type { Entity } from '@portico/catalog-model';
import { catalogProcessorsExtensionPoint, catalogProvidersExtensionPoint, type EntityProviderConnection } from '@portico/plugin-catalog-node';
import { describeEachDatabase } from '@portico/test-utils';
import { catalogPlugin } from './plugin';
import { startCatalogBackend } from './__testUtils__/testCatalogBackend';

const component = (name: string, annotations?: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

describeEachDatabase('catalog.processors', db => {
  let app: Awaited<ReturnType<typeof startCatalogBackend>>;
  let connection: EntityProviderConnection | undefined;
  /** What the processor adds: an annotation per entity name, as another system would know it. */
  const known = new Map<string, string>();
  let failing = false;

  const extensions = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-processors',
    register(env) {
      env.registerInit({
        deps: { processors: catalogProcessorsExtensionPoint, providers: catalogProvidersExtensionPoint },
        async init({ processors, providers }) {
          processors.addProcessor({
            getProcessorName: () => 'test-owner-team',
            async preProcessEntity(entity) {
              if (failing) throw new Error('the owner system is down');
              const team = known.get(entity.metadata?.name);
              if (!team || entity.metadata.annotations?.['example.com/team']) return entity;
              return { ...entity, metadata: { ...entity.metadata, annotations: { ...entity.metadata.annotations, 'example.com/team': team } } };
            },
          });
          providers.addEntityProvider({ getProviderName: () => 'test-provider', async connect(c) { connection = c; } });
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

  const annotationsOf = async (name: string) => (await request(app.server).get(`/api/catalog/entities/by-name/component/default/${name}`).expect(200)).body.metadata.annotations ?? {};
  const emit = () => connection!.applyMutation({ type: 'full', entities: [{ locationKey: 'test', entity: component('checkout') }, { locationKey: 'test', entity: component('cart', { 'example.com/team': 'own' }) }] });

  it('stores what the processors make of an entity, and rewrites an unchanged source when their answer changes', async () => {
    await emit();
    expect(await annotationsOf('checkout')).not.toHaveProperty('example.com/team');
    known.set('checkout', 'payments');
    known.set('cart', 'payments');
    await emit();
    expect(await annotationsOf('checkout')).toMatchObject({ 'example.com/team': 'payments' });
    // The entity's own value is the processor's business: this one keeps it.
    expect(await annotationsOf('cart')).toMatchObject({ 'example.com/team': 'own' });
    known.delete('checkout');
    await emit();
    expect(await annotationsOf('checkout')).not.toHaveProperty('example.com/team');
  });

  it('keeps the last good version of an entity a processor fails on, with the error shown on it', async () => {
    known.set('checkout', 'payments');
    await emit();
    failing = true;
    try {
      await emit();
      expect(await annotationsOf('checkout')).toMatchObject({ 'example.com/team': 'payments' });
      const errors = await request(app.server).get('/api/catalog/entities/errors?entityRef=component:default/checkout').expect(200);
      expect(errors.body.items).toEqual([expect.objectContaining({ message: 'processor test-owner-team: the owner system is down' })]);
    } finally {
      failing = false;
    }
    await emit();
    const cleared = await request(app.server).get('/api/catalog/entities/errors?entityRef=component:default/checkout').expect(200);
    expect(cleared.body.items).toEqual([]);
  });
});
