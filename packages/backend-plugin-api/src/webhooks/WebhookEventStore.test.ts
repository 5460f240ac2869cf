import { eachDatabase, type TestDatabase } from '@portico/test-utils';
import { WebhookEventStore } from './WebhookEventStore';

/** The table each plugin that uses the store creates in its own migrations. */
async function createTable(knex: TestDatabase['knex']) {
  await knex.schema.createTable('webhook_events', t => {
    t.string('event_id', 255).primary();
    t.bigInteger('received_at').notNullable().index();
  });
}

describe('WebhookEventStore', () => {
  it('claims an event once across instances sharing the database, and again once released', async () => {
    await eachDatabase(async ({ knex }) => {
      await createTable(knex);
      const one = new WebhookEventStore(knex);
      const two = new WebhookEventStore(knex);
      expect(await one.claim('cloud.jira.test:delivery-1')).toBe(true);
      expect(await two.claim('cloud.jira.test:delivery-1')).toBe(false);
      const racing = await Promise.all([one.claim('race'), two.claim('race')]);
      expect(racing.sort()).toEqual([false, true]);
      await one.release('cloud.jira.test:delivery-1');
      expect(await two.claim('cloud.jira.test:delivery-1')).toBe(true);
    });
  });

  it('forgets events after the TTL', async () => {
    await eachDatabase(async ({ knex }) => {
      await createTable(knex);
      let now = 1_000_000;
      const store = new WebhookEventStore(knex, { ttlMs: 60_000, now: () => now });
      expect(await store.claim('a')).toBe(true);
      now += 30_000;
      expect(await store.claim('a')).toBe(false);
      now += 61_000;
      expect(await store.claim('a')).toBe(true);
    });
  });
});
