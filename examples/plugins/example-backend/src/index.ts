/** @portico/example-backend: the template for backend plugins. */
import { examplePlugin } from './plugin';
import { exampleModuleSignature } from './module';

export { examplePlugin } from './plugin';
export { exampleModuleSignature } from './module';
export { exampleDecoratorsExtensionPoint, type ExampleDecoratorsExtensionPoint, type GreetingDecorator } from './extensions';
export { exampleConfigSchema } from './config';
export { exampleThingCreatePermission, examplePermissions } from './permissions';

/** What `backend.plugins: ['@portico/example-backend']` installs: the plugin and its module. */
export default [examplePlugin, exampleModuleSignature];
