/** @portico/plugin-catalog-node/testing: helpers for tests of plugins that feed or read the catalog. */
export { createTestEntityProvider, type CreateTestEntityProviderOptions, type TestEntityProvider } from './createTestEntityProvider';
