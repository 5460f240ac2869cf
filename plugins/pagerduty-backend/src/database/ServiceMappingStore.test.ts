import { eachDatabase } from '@portico/test-utils';
import { migrations } from './migrations';
import { ServiceMappingStore } from './ServiceMappingStore';

describe('ServiceMappingStore', () => {
  it('saves, replaces, lists and forgets the entity of a service, per account', async () => {
    await eachDatabase(async ({ knex }) => {
      for (const migration of migrations) await migration.up(knex);
      let now = Date.parse('2026-12-06T10:00:00Z');
      const store = new ServiceMappingStore(knex, () => now);
      await store.save({ account: 'default', serviceId: 'PV1', entityRef: 'component:default/payments', mappedBy: 'user:default/alice' });
      await store.save({ account: 'eu', serviceId: 'PV1', entityRef: 'component:default/payments-eu', mappedBy: 'user:default/alice' });
      now += 1000;
      const replaced = await store.save({ account: 'default', serviceId: 'PV1', entityRef: 'component:default/billing', mappedBy: 'user:default/bob' });
      expect(replaced).toEqual({ account: 'default', serviceId: 'PV1', entityRef: 'component:default/billing', mappedBy: 'user:default/bob', mappedAt: '2026-12-06T10:00:01.000Z' });
      expect((await store.list('default')).map(m => [m.serviceId, m.entityRef])).toEqual([['PV1', 'component:default/billing']]);
      expect(await store.forEntity('component:default/payments')).toBeUndefined();
      expect(await store.get({ account: 'eu', serviceId: 'PV1' })).toMatchObject({ entityRef: 'component:default/payments-eu' });
      expect(await store.get({ account: 'eu', serviceId: 'PNONE' })).toBeUndefined();
      expect((await store.listAll()).map(m => `${m.account}/${m.serviceId}`)).toEqual(['default/PV1', 'eu/PV1']);
      expect(await store.forEntity('component:default/payments-eu')).toMatchObject({ account: 'eu', serviceId: 'PV1' });
      expect(await store.remove({ account: 'default', serviceId: 'PV1' })).toBe(true);
      expect(await store.remove({ account: 'default', serviceId: 'PV1' })).toBe(false);
      expect(await store.list('default')).toEqual([]);
    });
  });
});
