import type { DatabaseMigration } from '@portico/backend-plugin-api';

/** The plugin's schema, one migration per change; names sort in the order they run. */
export const migrations: DatabaseMigration[] = [
  {
    name: '20261127_001_things',
    async up(knex) {
      await knex.schema.createTable('things', table => {
        table.string('id', 36).primary();
        table.string('name', 200).notNullable();
        table.string('entity_ref', 300).nullable().index();
        table.string('created_at', 30).notNullable();
      });
    },
    async down(knex) {
      await knex.schema.dropTable('things');
    },
  },
];
