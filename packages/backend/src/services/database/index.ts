export { DatabaseManager, type DatabaseEngine, type DatabaseManagerOptions } from './DatabaseManager';
export { runMigrations, MIGRATIONS_TABLE } from './runMigrations';
export { databaseServiceFactory } from './databaseServiceFactory';
