import type { DatabaseMigration } from '@portico/backend-plugin-api';

/** Times are epoch milliseconds (bigint); refresh tokens are stored as sha256 hex, never in clear. */
export const migrations: DatabaseMigration[] = [
  {
    name: '20261206_001_auth_init',
    async up(knex) {
      await knex.schema.createTable('sessions', t => {
        t.string('id', 64).primary();
        t.string('user_entity_ref', 512).notNullable();
        t.string('provider', 64).notNullable();
        t.string('refresh_token_hash', 64).notNullable().unique();
        // The token this one replaced: presenting it again means it was stolen, and ends the session.
        t.string('previous_token_hash', 64).nullable().index();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('refreshed_at').notNullable();
        t.bigInteger('expires_at').notNullable().index();
        t.index(['user_entity_ref']);
      });
      // One row per sign-in started at an identity provider; consumed (deleted) by its callback.
      await knex.schema.createTable('sign_in_flows', t => {
        t.string('state', 128).primary();
        t.string('provider', 64).notNullable();
        t.string('nonce', 128).notNullable();
        t.string('code_verifier', 128).notNullable();
        t.string('redirect', 2048).notNullable();
        t.bigInteger('expires_at').notNullable().index();
      });
    },
  },
  {
    name: '20261206_002_auth_device_codes',
    async up(knex) {
      // One row per `portico login` (RFC 8628 device authorization); both codes stored as sha256 hex only.
      await knex.schema.createTable('device_codes', t => {
        t.string('device_code_hash', 64).primary();
        t.string('user_code_hash', 64).notNullable().unique();
        t.string('client_name', 200).notNullable();
        // pending, approved or denied; an approved row is deleted when its token is issued (single use).
        t.string('status', 16).notNullable();
        t.string('user_entity_ref', 512).nullable();
        t.text('ownership_entity_refs').nullable();
        t.bigInteger('last_polled_at').nullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('expires_at').notNullable().index();
      });
    },
  },
];
