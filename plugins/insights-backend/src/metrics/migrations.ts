import type { DatabaseMigration } from '@portico/backend-plugin-api';

/** The metrics' own tables (rollups), after the events store's. Names start 20261207_1xx. */
export const metricsMigrations: DatabaseMigration[] = [];
