/**
 * What frontend plugin authors import: createFrontendPlugin, extension blueprints, api refs and
 * hooks. Test helpers live in `@portico/frontend-plugin-api/testing`.
 */
export * from './apis';
export * from './blueprints';
export * from './extensions';
export * from './permissions';
