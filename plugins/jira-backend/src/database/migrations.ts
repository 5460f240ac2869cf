import type { DatabaseMigration } from '@portico/backend-plugin-api';

export const migrations: DatabaseMigration[] = [
  {
    name: '20261206_001_jira_webhook_events',
    async up(knex) {
      // One row per webhook delivery processed recently, so a retried delivery is not processed twice.
      await knex.schema.createTable('webhook_events', t => {
        t.string('event_id', 255).primary();
        t.bigInteger('received_at').notNullable().index();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('webhook_events');
    },
  },
];
