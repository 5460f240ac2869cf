import type { DatabaseMigration } from '@portico/backend-plugin-api';

/**
 * The metrics' own tables (rollups), after the events store's. Names start 20261207_1xx.
 *
 * The two expensive parts of the definitions are derived once per event instead of on every read, and kept current by
 * `MetricsService.eventsWritten` (src/metrics/rollups.ts):
 * - `insights_deploy_outcomes`: each production deployment with whether it failed and why (status, an incident or a
 *   hotfix within the failure window) — change failure rate and deployment frequency read only this table;
 * - `insights_pr_shipments`: each merged pull request that has shipped, with the deployment that shipped it and its
 *   lead time — lead time reads only this table.
 * Both are exact (one row per event), so medians stay exact; reads are by (entity_ref, time) or by time alone.
 */
export const metricsMigrations: DatabaseMigration[] = [
  {
    name: '20261207_101_insights_rollups',
    async up(knex) {
      await knex.schema.createTable('insights_deploy_outcomes', t => {
        t.string('source', 100).notNullable();
        t.string('id', 200).notNullable();
        t.string('entity_ref', 500).notNullable();
        t.bigInteger('finished_at').notNullable();
        t.boolean('failed').notNullable();
        t.string('reason', 500).notNullable();
        t.primary(['source', 'id']);
        t.index(['entity_ref', 'finished_at'], 'insights_deploy_outcomes_entity_idx');
        t.index(['finished_at'], 'insights_deploy_outcomes_finished_idx');
      });
      await knex.schema.createTable('insights_pr_shipments', t => {
        t.string('source', 100).notNullable();
        t.string('id', 200).notNullable();
        t.string('entity_ref', 500).notNullable();
        t.bigInteger('shipped_at').notNullable();
        t.bigInteger('lead_ms').notNullable();
        t.string('deployment_id', 200).notNullable();
        t.string('reason', 500).notNullable();
        t.primary(['source', 'id']);
        t.index(['entity_ref', 'shipped_at'], 'insights_pr_shipments_entity_idx');
        t.index(['shipped_at'], 'insights_pr_shipments_shipped_idx');
      });
    },
    async down(knex) {
      await knex.schema.dropTable('insights_pr_shipments');
      await knex.schema.dropTable('insights_deploy_outcomes');
    },
  },
];
