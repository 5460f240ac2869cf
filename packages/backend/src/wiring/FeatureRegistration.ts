import type { BackendPluginFeature } from '@portico/backend-plugin-api';

/** What a plugin or module declared in `register`: its extension points, its init and its config schema. */
export type FeatureRegistration = ReturnType<BackendPluginFeature['getRegistration']>;
