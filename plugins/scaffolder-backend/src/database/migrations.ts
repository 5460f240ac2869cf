import type { DatabaseMigration } from '@portico/backend-plugin-api';

/** Timestamps are ISO-8601 UTC strings: they sort and compare the same on SQLite and PostgreSQL. */
export const scaffolderMigrations: DatabaseMigration[] = [
  {
    name: '20261127_001_scaffolder_init',
    async up(knex) {
      await knex.schema.createTable('scaffolder_tasks', t => {
        t.string('id', 64).primary();
        t.text('spec').notNullable();
        t.string('status', 32).notNullable();
        t.string('template_ref', 512);
        t.string('created_by', 512);
        t.string('created_at', 32).notNullable();
        t.string('updated_at', 32).notNullable();
        t.string('claimed_by', 128);
        t.string('heartbeat_at', 32);
        t.boolean('cancel_requested').notNullable().defaultTo(false);
        t.boolean('dry_run').notNullable().defaultTo(false);
        // AES-256-GCM ciphertext when `scaffolder.secretsKey` is set; otherwise secrets stay in memory.
        t.text('secrets_encrypted');
        t.text('output');
        t.text('error');
        t.index(['status', 'created_at'], 'scaffolder_tasks_status_idx');
        t.index(['created_by'], 'scaffolder_tasks_created_by_idx');
      });
      await knex.schema.createTable('scaffolder_task_steps', t => {
        t.string('task_id', 64).notNullable().references('id').inTable('scaffolder_tasks').onDelete('CASCADE');
        t.string('step_id', 256).notNullable();
        t.integer('position').notNullable();
        t.string('action', 256).notNullable();
        t.string('status', 32).notNullable();
        t.string('started_at', 32);
        t.string('ended_at', 32);
        t.text('output');
        t.text('error');
        t.primary(['task_id', 'step_id']);
      });
      await knex.schema.createTable('scaffolder_task_events', t => {
        t.bigIncrements('id').primary();
        t.string('task_id', 64).notNullable().references('id').inTable('scaffolder_tasks').onDelete('CASCADE');
        t.string('event_type', 32).notNullable();
        t.text('body').notNullable();
        t.string('created_at', 32).notNullable();
        t.index(['task_id', 'id'], 'scaffolder_task_events_task_idx');
      });
      await knex.schema.createTable('scaffolder_checkpoints', t => {
        t.string('task_id', 64).notNullable().references('id').inTable('scaffolder_tasks').onDelete('CASCADE');
        t.string('key', 512).notNullable();
        t.text('value');
        t.string('created_at', 32).notNullable();
        t.primary(['task_id', 'key']);
      });
      await knex.schema.createTable('scaffolder_waits', t => {
        t.string('task_id', 64).notNullable().references('id').inTable('scaffolder_tasks').onDelete('CASCADE');
        t.string('wait_key', 512).notNullable();
        t.string('step_id', 256).notNullable();
        t.string('kind', 16).notNullable();
        t.text('request').notNullable();
        t.string('status', 16).notNullable(); // pending | approved | rejected | submitted | expired
        t.string('expires_at', 32);
        t.text('resolution');
        t.string('created_at', 32).notNullable();
        t.primary(['task_id', 'wait_key']);
        t.index(['status'], 'scaffolder_waits_status_idx');
      });
    },
  },
  {
    // How often a run lost its claim to a crash or a hang (no heartbeat): the second time it is quarantined.
    name: '20261206_001_scaffolder_task_lost_claims',
    async up(knex) {
      if (await knex.schema.hasColumn('scaffolder_tasks', 'lost_claims')) return;
      await knex.schema.alterTable('scaffolder_tasks', t => {
        t.integer('lost_claims').notNullable().defaultTo(0);
      });
    },
  },
  {
    // A run's workspace after its last completed step (gzip of a small archive), so that another instance resumes it.
    name: '20261207_001_scaffolder_workspaces',
    async up(knex) {
      if (await knex.schema.hasTable('scaffolder_workspaces')) return;
      await knex.schema.createTable('scaffolder_workspaces', t => {
        t.string('task_id', 64).primary().references('id').inTable('scaffolder_tasks').onDelete('CASCADE');
        t.binary('archive').notNullable();
        t.integer('size').notNullable();
        t.string('step_id', 256).notNullable();
        t.string('updated_at', 32).notNullable();
      });
    },
  },
];
