import { eachDatabase } from '@portico/test-utils';
import { migrations } from './migrations';
import { WebhookDeliveryStore } from './WebhookDeliveryStore';

describe('WebhookDeliveryStore', () => {
  it('claims a delivery once, by id or by body, across instances sharing the database', async () => {
    await eachDatabase(async ({ knex }) => {
      for (const migration of migrations) await migration.up(knex);
      const one = new WebhookDeliveryStore(knex);
      const two = new WebhookDeliveryStore(knex);
      expect(await one.claim({ id: 'a', bodyDigest: 'x' })).toBe(true);
      expect(await two.claim({ id: 'a', bodyDigest: 'y' })).toBe(false);
      expect(await two.claim({ id: 'b', bodyDigest: 'x' })).toBe(false);
      const racing = await Promise.all([one.claim({ id: 'c', bodyDigest: 'z' }), two.claim({ id: 'c', bodyDigest: 'z' })]);
      expect(racing.sort()).toEqual([false, true]);
      await one.release('a');
      expect(await two.claim({ id: 'a', bodyDigest: 'x' })).toBe(true);
    });
  });

  it('forgets deliveries after the TTL and beyond the maximum count, oldest first', async () => {
    await eachDatabase(async ({ knex }) => {
      for (const migration of migrations) await migration.up(knex);
      let now = 1_000_000;
      const store = new WebhookDeliveryStore(knex, { ttlMs: 60 * 60 * 1000, maxEntries: 3, now: () => now });
      for (const id of ['1', '2', '3', '4']) {
        expect(await store.claim({ id, bodyDigest: id })).toBe(true);
        now += 1000;
      }
      // The next claim prunes: '1' is the oldest beyond three.
      expect(await store.claim({ id: '5', bodyDigest: '5' })).toBe(true);
      expect(await store.claim({ id: '1', bodyDigest: '1' })).toBe(true);
      expect(await store.claim({ id: '5', bodyDigest: '5' })).toBe(false);
      now += 60 * 60 * 1000 + 60_000;
      expect(await store.claim({ id: '5', bodyDigest: '5' })).toBe(true);
      expect(Number((await knex('webhook_deliveries').count({ n: '*' }))[0].n)).toBeLessThanOrEqual(3);
    });
  });
});
