import { coreServices, createServiceFactory } from '@portico/backend-plugin-api';

/** A plugin's view of the root lifecycle: its hooks are labelled with the plugin id. */
export const lifecycleServiceFactory = createServiceFactory({
  service: coreServices.lifecycle,
  deps: { rootLifecycle: coreServices.rootLifecycle, plugin: coreServices.pluginMetadata },
  factory({ rootLifecycle, plugin }) {
    const label = (l?: string) => `${plugin.getId()}: ${l ?? 'hook'}`;
    return {
      addStartupHook(hook, options) {
        rootLifecycle.addStartupHook(hook, { label: label(options?.label) });
      },
      addShutdownHook(hook, options) {
        rootLifecycle.addShutdownHook(hook, { label: label(options?.label) });
      },
    };
  },
});
