import type { DatabaseMigration } from '@portico/backend-plugin-api';

/** Times are stored as epoch milliseconds (bigint) and JSON as text, the same on SQLite and PostgreSQL. */
export const migrations: DatabaseMigration[] = [
  {
    name: '20261127_001_scorecards_init',
    async up(knex) {
      await knex.schema.createTable('facts', t => {
        t.string('entity_ref', 512).notNullable();
        t.string('name', 255).notNullable();
        t.text('value').notNullable();
        t.string('source', 255).notNullable();
        t.bigInteger('collected_at').notNullable();
        t.primary(['entity_ref', 'name']);
      });
      await knex.schema.createTable('fact_history', t => {
        t.bigIncrements('id');
        t.string('entity_ref', 512).notNullable();
        t.string('name', 255).notNullable();
        t.text('value').notNullable();
        t.string('source', 255).notNullable();
        t.bigInteger('collected_at').notNullable();
        t.index(['entity_ref', 'name', 'collected_at']);
        t.index(['collected_at']);
      });
      await knex.schema.createTable('rule_results', t => {
        t.string('scorecard_ref', 512).notNullable();
        t.string('entity_ref', 512).notNullable();
        t.string('rule_id', 255).notNullable();
        t.string('status', 16).notNullable();
        t.text('evidence').notNullable();
        t.text('message').notNullable();
        t.boolean('exempted').notNullable();
        t.bigInteger('evaluated_at').notNullable();
        t.primary(['scorecard_ref', 'entity_ref', 'rule_id']);
        t.index(['entity_ref']);
      });
      // Appended when a rule's status, exemption or message changes: history is a query.
      await knex.schema.createTable('rule_result_history', t => {
        t.bigIncrements('id');
        t.string('scorecard_ref', 512).notNullable();
        t.string('entity_ref', 512).notNullable();
        t.string('rule_id', 255).notNullable();
        t.string('status', 16).notNullable();
        t.text('evidence').notNullable();
        t.text('message').notNullable();
        t.boolean('exempted').notNullable();
        t.bigInteger('evaluated_at').notNullable();
        t.index(['scorecard_ref', 'entity_ref', 'evaluated_at']);
      });
      await knex.schema.createTable('entity_scores', t => {
        t.string('scorecard_ref', 512).notNullable();
        t.string('entity_ref', 512).notNullable();
        t.string('level', 255).nullable();
        t.integer('level_rank').notNullable();
        t.double('score').notNullable();
        t.integer('passed').notNullable();
        t.integer('failed').notNullable();
        t.integer('unknown').notNullable();
        t.string('owner', 512).nullable();
        t.text('failing_rules').notNullable();
        t.bigInteger('evaluated_at').notNullable();
        t.primary(['scorecard_ref', 'entity_ref']);
        t.index(['entity_ref']);
        t.index(['scorecard_ref', 'owner']);
      });
      await knex.schema.createTable('entity_score_history', t => {
        t.bigIncrements('id');
        t.string('scorecard_ref', 512).notNullable();
        t.string('entity_ref', 512).notNullable();
        t.string('level', 255).nullable();
        t.integer('level_rank').notNullable();
        t.double('score').notNullable();
        t.bigInteger('evaluated_at').notNullable();
        t.index(['scorecard_ref', 'entity_ref', 'evaluated_at']);
      });
      // One row per level per snapshot, taken after each full evaluation of a scorecard.
      await knex.schema.createTable('trend_points', t => {
        t.string('scorecard_ref', 512).notNullable();
        t.bigInteger('taken_at').notNullable();
        t.string('level', 255).notNullable();
        t.integer('level_rank').notNullable();
        t.integer('entity_count').notNullable();
        t.double('score_sum').notNullable();
        t.primary(['scorecard_ref', 'taken_at', 'level']);
      });
      await knex.schema.createTable('scorecard_runs', t => {
        t.string('scorecard_ref', 512).primary();
        t.bigInteger('last_run_at').notNullable();
      });
      await knex.schema.createTable('exemptions', t => {
        t.string('id', 64).primary();
        t.string('scorecard_ref', 512).notNullable();
        t.string('entity_ref', 512).notNullable();
        t.string('rule_id', 255).notNullable();
        t.text('reason').notNullable();
        t.bigInteger('expires_at').notNullable();
        t.string('status', 16).notNullable();
        t.string('requested_by', 512).notNullable();
        t.string('decided_by', 512).nullable();
        t.bigInteger('decided_at').nullable();
        t.text('comment').nullable();
        t.bigInteger('created_at').notNullable();
        t.index(['scorecard_ref', 'status']);
        t.index(['entity_ref']);
      });
      await knex.schema.createTable('initiatives', t => {
        t.string('id', 64).primary();
        t.string('title', 255).notNullable();
        t.text('description').nullable();
        t.string('scorecard_ref', 512).notNullable();
        t.string('target_level', 255).notNullable();
        t.text('scope').nullable();
        t.bigInteger('deadline').notNullable();
        t.string('created_by', 512).notNullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('last_reminder_at').nullable();
      });
      await knex.schema.createTable('notifications', t => {
        t.string('id', 64).primary();
        t.string('recipient', 512).notNullable();
        t.string('kind', 64).notNullable();
        t.string('title', 512).notNullable();
        t.text('body').notNullable();
        t.string('link', 1024).nullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('read_at').nullable();
        t.index(['recipient', 'created_at']);
      });
    },
  },
  {
    name: '20261127_002_scorecards_rules_digest',
    async up(knex) {
      // A digest of an entity's rule results: an unchanged entity is skipped without reading its rules.
      await knex.schema.alterTable('entity_scores', t => {
        t.string('rules_digest', 64).nullable();
      });
    },
  },
  {
    name: '20261206_003_scorecards_initiative_actions',
    async up(knex) {
      await knex.schema.alterTable('initiatives', t => {
        t.text('actions').nullable();
      });
      // What an initiative's actions did per entity: written before each call, so a restart resumes instead of repeating.
      await knex.schema.createTable('initiative_entity_actions', t => {
        t.string('initiative_id', 64).notNullable();
        t.string('entity_ref', 512).notNullable();
        t.integer('action_index').notNullable();
        t.string('action_type', 255).notNullable();
        t.string('state', 16).notNullable();
        t.text('rules_key').notNullable();
        t.string('link_type', 255).nullable();
        t.string('link_key', 255).nullable();
        t.string('link_url', 2048).nullable();
        t.text('error').nullable();
        t.integer('attempts').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.primary(['initiative_id', 'entity_ref', 'action_index']);
      });
    },
  },
  {
    name: '20261207_004_scorecards_exemption_expiry_handled',
    async up(knex) {
      // When an expired exemption's entity was queued for re-evaluation: kept in the database, not in an instance's
      // memory, so whichever instance runs the check next (after a restart or a takeover) misses none and repeats none.
      await knex.schema.alterTable('exemptions', t => {
        t.bigInteger('expiry_handled_at').nullable();
      });
      await knex('exemptions').whereNotNull('expires_at').where('expires_at', '<=', Date.now()).update({ expiry_handled_at: Date.now() });
    },
  },
  {
    name: '20261207_005_scorecards_scores_owner_order_index',
    async up(knex) {
      // A scorecard's results of one owner are read in entity order (the results page, an owner's scores): with
      // (scorecard_ref, owner) only, SQLite walked the whole scorecard in primary-key order to skip the other owners'
      // rows (0.7-3.7 ms at 10,000 entities); (scorecard_ref, owner, entity_ref) serves the filter and the order.
      await knex.schema.alterTable('entity_scores', t => {
        t.index(['scorecard_ref', 'owner', 'entity_ref'], 'entity_scores_scorecard_owner_entity_index');
      });
      await knex.schema.alterTable('entity_scores', t => {
        t.dropIndex(['scorecard_ref', 'owner']);
      });
    },
  },
  {
    name: '20261207_006_scorecards_initiative_action_attempt_started',
    async up(knex) {
      // When a row's latest call began: a retry of a call that may have created something (a graceful stop leaves the
      // row pending) waits from it until the tracker's search shows what that call created. Rows from before stay null
      // and wait from updated_at, which a pending row was written with when its call began.
      await knex.schema.alterTable('initiative_entity_actions', t => {
        t.bigInteger('attempt_started_at').nullable();
      });
    },
  },
  {
    name: '20261207_007_scorecards_pending_entity_evaluations',
    async up(knex) {
      // Changed entities waiting to be re-evaluated, written before the change event is acknowledged: an instance
      // killed before evaluating them leaves them here for the next one instead of losing them with its memory.
      // queued_at: when first queued; version: moved by every re-queue, so the evaluation of an older version does not
      // delete the row of a newer one; claimed_by/claimed_until: the instance evaluating the entity, for how long.
      await knex.schema.createTable('pending_entity_evaluations', t => {
        t.string('entity_ref', 512).primary();
        t.bigInteger('queued_at').notNullable();
        t.bigInteger('version').notNullable();
        t.string('claimed_by', 128).nullable();
        t.bigInteger('claimed_until').nullable();
        t.index(['claimed_until']);
      });
    },
  },
];
