/**
 * @portico/plugin-catalog-backend: the catalog plugin. Default export: the plugin.
 */
import { catalogPlugin } from './plugin';

export { catalogPlugin, catalogModuleBuiltinKinds } from './plugin';
export { catalogConfigSchema, type CatalogConfig } from './config';
export default catalogPlugin;
export { catalogConditions, catalogPermissionRules, type EntityPermissionQuery } from './permissions/rules';
