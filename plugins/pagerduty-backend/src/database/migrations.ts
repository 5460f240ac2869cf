import type { DatabaseMigration } from '@portico/backend-plugin-api';

export const migrations: DatabaseMigration[] = [
  {
    name: '20261206_001_pagerduty_service_mappings',
    async up(knex) {
      // A PagerDuty service someone mapped to a catalog entity (for services no annotation names).
      await knex.schema.createTable('service_mappings', t => {
        t.string('account', 255).notNullable();
        t.string('service_id', 64).notNullable();
        t.string('entity_ref', 512).notNullable().index();
        t.string('mapped_by', 512).notNullable();
        t.bigInteger('mapped_at').notNullable();
        t.primary(['account', 'service_id']);
      });
    },
    async down(knex) {
      await knex.schema.dropTable('service_mappings');
    },
  },
  {
    name: '20261206_002_pagerduty_webhook_events',
    async up(knex) {
      // One row per V3 webhook event processed recently (its event id), so a retried delivery is not processed twice.
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
