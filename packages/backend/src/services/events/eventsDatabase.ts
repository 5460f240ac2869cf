import type { DatabaseMigration } from '@portico/backend-plugin-api';

/** The reserved database name of the events service (not a valid plugin id, so it cannot collide). */
export const EVENTS_DATABASE_NAME = 'core_events';
/** Every published event, kept for `backend.events.retention`. */
export const EVENTS_TABLE = 'events';
/** The last event id delivered to each subscriber. */
export const OFFSETS_TABLE = 'subscriber_offsets';
/** Which instance took an event of a `delivery: 'once'` subscriber, and whether it finished. */
export const CLAIMS_TABLE = 'subscriber_claims';
/** The PostgreSQL channel each publish is announced on, with the new row's id as payload. */
export const EVENTS_CHANNEL = 'portico_events';

export const eventsMigrations: DatabaseMigration[] = [
  {
    name: '20261206_001_events',
    up: async knex => {
      await knex.schema.createTable(EVENTS_TABLE, t => {
        t.bigIncrements('id').primary();
        t.string('topic', 255).notNullable();
        t.jsonb('payload').nullable();
        t.jsonb('metadata').nullable();
        t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
        t.index(['topic', 'id']);
        t.index(['created_at']);
      });
      await knex.schema.createTable(OFFSETS_TABLE, t => {
        t.string('subscriber_id', 255).primary();
        t.bigInteger('last_id').notNullable();
        t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      });
      await knex.schema.createTable(CLAIMS_TABLE, t => {
        t.string('subscriber_id', 255).notNullable();
        t.bigInteger('event_id').notNullable();
        t.string('claimed_by', 255).notNullable();
        t.timestamp('claimed_at', { useTz: true }).notNullable();
        t.boolean('done').notNullable().defaultTo(false);
        t.primary(['subscriber_id', 'event_id']);
      });
    },
  },
];
