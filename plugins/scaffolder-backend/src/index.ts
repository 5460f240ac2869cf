/**
 * @portico/plugin-scaffolder-backend: templates and durable workflows. The default export is the
 * plugin; `scaffolderActionsExtensionPoint` and `createTemplateAction` let modules add actions.
 */
export { scaffolderPlugin as default, scaffolderPlugin, scaffolderConfigSchema } from './plugin';
export * from './extensions';
export * from './actions';
export { assertRealPathInside, resolveSafeChildPath } from './service/resolveSafeChildPath';
export { SecureTemplater } from './service/SecureTemplater';
export { scaffolderConditions, scaffolderPermissionRules, type TaskResource } from './service/taskPermissions';
