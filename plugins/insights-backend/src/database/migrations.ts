import type { DatabaseMigration } from '@portico/backend-plugin-api';
import { metricsMigrations } from '../metrics/migrations';

/**
 * The events store. Times are epoch milliseconds (bigint) on both engines, so range filters compare numbers and
 * time zones never enter the store. Every event is keyed by (source, id): a second write of the same item replaces it.
 */
const eventMigrations: DatabaseMigration[] = [
  {
    name: '20261207_001_insights_events',
    async up(knex) {
      await knex.schema.createTable('deployments', t => {
        t.string('source', 100).notNullable();
        t.string('id', 200).notNullable();
        t.string('entity_ref', 500).notNullable();
        t.string('environment', 100).notNullable();
        t.string('version', 200).nullable();
        t.string('commit_sha', 64).nullable();
        t.string('status', 20).notNullable(); // succeeded | failed | rolled_back
        t.bigInteger('started_at').nullable();
        t.bigInteger('finished_at').notNullable();
        t.boolean('hotfix').notNullable().defaultTo(false);
        t.bigInteger('received_at').notNullable();
        t.primary(['source', 'id']);
        t.index(['entity_ref', 'finished_at'], 'deployments_entity_finished_idx');
        t.index(['finished_at'], 'deployments_finished_idx');
      });
      await knex.schema.createTable('pull_requests', t => {
        t.string('source', 100).notNullable();
        t.string('id', 200).notNullable();
        t.string('entity_ref', 500).notNullable();
        t.integer('number').notNullable();
        t.string('title', 500).nullable();
        t.string('url', 2000).nullable();
        t.string('author', 200).nullable();
        t.text('reviewers').nullable(); // JSON array of logins
        t.bigInteger('created_at').notNullable();
        t.bigInteger('first_review_at').nullable();
        t.bigInteger('merged_at').nullable();
        t.integer('additions').nullable();
        t.integer('deletions').nullable();
        t.string('deployed_in', 200).nullable(); // a deployment id of the same source
        t.bigInteger('first_commit_at').nullable();
        t.bigInteger('received_at').notNullable();
        t.primary(['source', 'id']);
        t.index(['entity_ref', 'merged_at'], 'pull_requests_entity_merged_idx');
        t.index(['merged_at'], 'pull_requests_merged_idx');
      });
      await knex.schema.createTable('incidents', t => {
        t.string('source', 100).notNullable();
        t.string('id', 200).notNullable();
        t.string('entity_ref', 500).notNullable();
        t.bigInteger('opened_at').notNullable();
        t.bigInteger('resolved_at').nullable();
        t.string('severity', 50).nullable();
        t.bigInteger('received_at').notNullable();
        t.primary(['source', 'id']);
        t.index(['entity_ref', 'opened_at'], 'incidents_entity_opened_idx');
        t.index(['opened_at'], 'incidents_opened_idx');
      });
      // Where a source's backfill stopped (InsightsCheckpoint), per source and key.
      await knex.schema.createTable('checkpoints', t => {
        t.string('source', 100).notNullable();
        t.string('key', 500).notNullable();
        t.text('value').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.primary(['source', 'key']);
      });
    },
    async down(knex) {
      for (const table of ['checkpoints', 'incidents', 'pull_requests', 'deployments']) await knex.schema.dropTable(table);
    },
  },
];

export const migrations: DatabaseMigration[] = [...eventMigrations, ...metricsMigrations];
