// Per-database-engine test runs (host-services).
export * from './database';
