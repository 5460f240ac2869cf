/** @portico/test-utils: start a real backend in tests, mock core services, run on each database engine. */
export { startTestBackend, testBackendConfig, type StartTestBackendOptions, type TestBackend } from './backend/startTestBackend';
export { mockServices } from './services/mockServices';
export { mockCredentials, type MockCredentials } from './services/mockCredentials';
export { createMockAuthService, createMockHttpAuthService } from './services/mockAuth';
export { MockLogger, type MockLogLine } from './services/MockLogger';
export { MockScheduler } from './services/MockScheduler';
export { MockSchedulers } from './services/MockSchedulers';
export * from './database';
export { eventually } from './eventually';
