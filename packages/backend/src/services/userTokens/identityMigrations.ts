import type { DatabaseMigration } from '@portico/backend-plugin-api';

/** The host's own identity database (`core_identity`): signing keys' public halves and personal access tokens. */
export const IDENTITY_DATABASE_NAME = 'core_identity';

export const identityMigrations: DatabaseMigration[] = [
  {
    name: '20261206_001_signing_keys',
    async up(knex) {
      await knex.schema.createTable('signing_keys', table => {
        table.string('kid', 64).primary();
        // Only the public half: each instance keeps its private key in memory and publishes the public one here.
        table.text('public_jwk').notNullable();
        table.bigInteger('created_at').notNullable();
        // When no token it may have signed can still be valid.
        table.bigInteger('expires_at').notNullable().index();
      });
    },
  },
  {
    name: '20261206_002_personal_access_tokens',
    async up(knex) {
      await knex.schema.createTable('personal_access_tokens', table => {
        table.string('id', 32).primary();
        table.string('user_entity_ref', 255).notNullable().index();
        table.string('name', 200).notNullable();
        // sha256 of the secret, hex; the secret itself is shown once and never stored.
        table.string('secret_hash', 64).notNullable();
        table.text('ownership_entity_refs').notNullable();
        table.bigInteger('created_at').notNullable();
        table.bigInteger('expires_at').nullable();
        table.bigInteger('last_used_at').nullable();
      });
    },
  },
];
