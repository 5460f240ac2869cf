/** Test helpers for frontend plugins: `import { renderInTestApp } from '@portico/frontend-plugin-api/testing'`. */
export * from './renderInTestApp';
export * from './mockApis';
export { MockIdentityApi, MockPermissionApi } from './mockIdentityApis';
