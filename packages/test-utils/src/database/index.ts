export {
  eachDatabase,
  describeEachDatabase,
  createTestDatabase,
  isPgReachable,
  testPgUrl,
  DEFAULT_TEST_PG_URL,
  type TestDatabase,
  type TestDatabaseConfig,
  type TestDatabaseEngine,
  type EachDatabaseOptions,
} from './testDatabases';
