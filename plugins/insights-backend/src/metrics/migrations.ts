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
 * Both are exact (one row per event), so medians stay exact; reads are by (entity_ref, time) or by time alone, from
 * covering indexes (20261207_102). `insights_first_deployments` keeps each entity's first production deployment.
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
  {
    // Reads answer from indexes alone: every column a metric reads follows the entity (a team's page) or the time (an
    // org-wide comparison). And each entity's first production deployment, so "never deployed" versus "0 in the
    // period" needs no scan of all outcomes.
    name: '20261207_102_insights_read_indexes',
    async up(knex) {
      await knex.schema.alterTable('insights_deploy_outcomes', t => {
        t.dropIndex(['entity_ref', 'finished_at'], 'insights_deploy_outcomes_entity_idx');
        t.dropIndex(['finished_at'], 'insights_deploy_outcomes_finished_idx');
        t.index(['entity_ref', 'finished_at', 'failed'], 'insights_deploy_outcomes_entity_idx');
        t.index(['finished_at', 'entity_ref', 'failed'], 'insights_deploy_outcomes_finished_idx');
      });
      await knex.schema.alterTable('insights_pr_shipments', t => {
        t.dropIndex(['entity_ref', 'shipped_at'], 'insights_pr_shipments_entity_idx');
        t.dropIndex(['shipped_at'], 'insights_pr_shipments_shipped_idx');
        t.index(['entity_ref', 'shipped_at', 'lead_ms'], 'insights_pr_shipments_entity_idx');
        t.index(['shipped_at', 'entity_ref', 'lead_ms'], 'insights_pr_shipments_shipped_idx');
      });
      await knex.schema.alterTable('pull_requests', t => {
        t.index(['entity_ref', 'merged_at', 'created_at', 'first_review_at', 'additions', 'deletions'], 'insights_pr_entity_cover_idx');
        t.index(['merged_at', 'entity_ref', 'created_at', 'first_review_at', 'additions', 'deletions'], 'insights_pr_merged_cover_idx');
      });
      await knex.schema.alterTable('incidents', t => {
        t.index(['entity_ref', 'resolved_at', 'opened_at'], 'insights_incidents_entity_resolved_idx');
        t.index(['resolved_at', 'entity_ref', 'opened_at'], 'insights_incidents_resolved_idx');
      });
      await knex.schema.createTable('insights_first_deployments', t => {
        t.string('entity_ref', 500).notNullable().primary();
        t.bigInteger('first_at').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('insights_first_deployments');
      await knex.schema.alterTable('incidents', t => {
        t.dropIndex([], 'insights_incidents_entity_resolved_idx');
        t.dropIndex([], 'insights_incidents_resolved_idx');
      });
      await knex.schema.alterTable('pull_requests', t => {
        t.dropIndex([], 'insights_pr_entity_cover_idx');
        t.dropIndex([], 'insights_pr_merged_cover_idx');
      });
    },
  },
  {
    // What keeps the derived rows right across crashes and config changes:
    // - `insights_pending_updates`: the entities and times each write changed, written in the same transaction as the
    //   events and deleted once the derived rows are updated; what is left (a crash, a failed update) is processed at
    //   start, on the next write after a failure, and by a periodic sweep (src/ingest/EventIngestor.ts);
    // - `insights_state`: small key/values, e.g. `definitions` (the config the derived rows were computed with: a
    //   change of insights.failureWindow or insights.productionEnvironments rebuilds them at start).
    name: '20261207_103_insights_pending_and_state',
    async up(knex) {
      await knex.schema.createTable('insights_pending_updates', t => {
        t.string('batch', 36).notNullable(); // one id per write
        t.string('entity_ref', 500).notNullable();
        t.string('type', 20).notNullable(); // deployment | pullRequest | incident
        t.bigInteger('from_at').notNullable();
        t.bigInteger('to_at').notNullable();
        t.bigInteger('created_at').notNullable();
        t.primary(['batch', 'entity_ref']);
        t.index(['created_at'], 'insights_pending_updates_created_idx');
      });
      await knex.schema.createTable('insights_state', t => {
        t.string('key', 100).notNullable().primary();
        t.text('value').notNullable();
        t.bigInteger('updated_at').notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('insights_state');
      await knex.schema.dropTable('insights_pending_updates');
    },
  },
];
