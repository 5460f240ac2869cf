import type { DatabaseMigration } from '@portico/backend-plugin-api';

export const migrations: DatabaseMigration[] = [
  {
    name: '20261206_001_github_webhook_deliveries',
    async up(knex) {
      // One row per webhook delivery processed recently: its X-GitHub-Delivery id and the digest of its body.
      await knex.schema.createTable('webhook_deliveries', t => {
        t.string('delivery_id', 255).primary();
        t.string('body_digest', 64).notNullable().unique();
        t.bigInteger('received_at').notNullable().index();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('webhook_deliveries');
    },
  },
];
