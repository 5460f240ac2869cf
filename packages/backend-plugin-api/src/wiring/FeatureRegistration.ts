import type { ZodType } from 'zod';
import type { ExtensionPoint } from './ExtensionPoint';
import type { InitRegistration } from './features';

/**
 * The record the host reads from `getRegistration()`. Not exported from the package index: plugin authors
 * never build or read one (the host names it as `ReturnType<BackendPluginFeature['getRegistration']>`).
 */
export interface FeatureRegistration {
  type: 'plugin' | 'module';
  pluginId: string;
  moduleId?: string;
  /** The top-level app-config section `configSchema` parses: the plugin's id, or the module's `configSection`. */
  configSection: string;
  configSchema?: ZodType;
  extensionPoints: Array<{ ref: ExtensionPoint<unknown>; impl: unknown }>;
  init: InitRegistration;
}
