import { createPermission } from '@portico/backend-plugin-api';

// A plugin's permissions. A plugin with a frontend half declares them in its -common package, so the
// browser can ask `usePermission` about the same objects.

/** Add a thing (`POST /things`): checked before the handler runs, the change recorded in the audit log. */
export const exampleThingCreatePermission = createPermission({ name: 'example.thing.create', attributes: { action: 'create' } });

/** Every permission of the plugin, registered with `coreServices.permissionsRegistry`. */
export const examplePermissions = [exampleThingCreatePermission];
