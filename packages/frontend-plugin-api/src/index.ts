/**
 * What frontend plugin authors import: createFrontendPlugin, extension blueprints, api refs and
 * hooks. The app's implementations and the test helpers (`@portico/app/testing`) live in `@portico/app`.
 */
export * from './apis';
export * from './blueprints';
export * from './extensions';
export * from './permissions';
