/**
 * Test helpers for frontend plugins: `import { renderInTestApp } from '@portico/app/testing'`. They run the
 * app's own extension registry and config reader, so a test sees what the app would show.
 */
export * from './renderInTestApp';
export * from './mockApis';
export { MockIdentityApi, MockPermissionApi } from './mockIdentityApis';
export { ExtensionRegistry } from '../extensions/ExtensionRegistry';
