import type { ZodType } from 'zod';
import type { ServiceFactory, ServiceRef } from '../services/ServiceRef';
import type { ExtensionPoint } from './ExtensionPoint';

/** What a feature's init may depend on: services and extension points. */
export type InitDeps = Record<string, ServiceRef<unknown> | ExtensionPoint<unknown>>;

export type ResolvedInitDeps<TDeps extends InitDeps> = {
  [K in keyof TDeps]: TDeps[K]['T'];
};

export interface InitRegistration<TDeps extends InitDeps = InitDeps> {
  deps: TDeps;
  init(deps: ResolvedInitDeps<TDeps>): void | Promise<void>;
}

export interface PluginRegistrationPoints {
  /** Provides an extension point this plugin owns. Call during `register`. */
  registerExtensionPoint<T>(ref: ExtensionPoint<T>, impl: T): void;
  /** Declares the plugin's init and what it depends on. Call exactly once. */
  registerInit<TDeps extends InitDeps>(registration: InitRegistration<TDeps>): void;
}

export type ModuleRegistrationPoints = PluginRegistrationPoints;

/** The internal record the host reads. Plugin authors never build one by hand. */
export interface FeatureRegistration {
  type: 'plugin' | 'module';
  pluginId: string;
  moduleId?: string;
  configSchema?: ZodType;
  extensionPoints: Array<{ ref: ExtensionPoint<unknown>; impl: unknown }>;
  init: InitRegistration;
}

/** A plugin, a module or a service factory: anything `backend.add()` accepts. */
export interface BackendPluginFeature {
  readonly $$type: '@portico/BackendFeature';
  readonly featureType: 'plugin' | 'module';
  readonly pluginId: string;
  readonly moduleId?: string;
  /** Read by the host: runs the author's `register` and returns what it declared. */
  getRegistration(): FeatureRegistration;
}

export type BackendFeature = BackendPluginFeature | ServiceFactory;

/** What a package may default-export: one feature or a bundle of them. */
export type BackendFeatureBundle = BackendFeature | BackendFeature[];

const ID_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$/;

function collect(kind: string, name: string, register: (env: PluginRegistrationPoints) => void) {
  const extensionPoints: FeatureRegistration['extensionPoints'] = [];
  let init: InitRegistration | undefined;
  register({
    registerExtensionPoint(ref, impl) {
      if (extensionPoints.some(e => e.ref.id === ref.id)) {
        throw new Error(`Extension point '${ref.id}' registered twice by ${kind} '${name}'`);
      }
      extensionPoints.push({ ref: ref as ExtensionPoint<unknown>, impl });
    },
    registerInit(registration) {
      if (init) throw new Error(`registerInit called twice for ${kind} '${name}'`);
      init = registration as unknown as InitRegistration;
    },
  });
  if (!init) throw new Error(`${kind} '${name}' did not call registerInit`);
  return { extensionPoints, init };
}

export interface CreateBackendPluginOptions {
  /** Lower-case id; the plugin's routes live under `/api/<pluginId>`. */
  pluginId: string;
  /** zod schema of the plugin's config section (`<pluginId>:` in app-config); checked at startup. */
  configSchema?: ZodType;
  register(env: PluginRegistrationPoints): void;
}

/** Creates a backend plugin: routes, a database and a config section of its own. */
export function createBackendPlugin(options: CreateBackendPluginOptions): BackendPluginFeature {
  if (!ID_PATTERN.test(options.pluginId)) {
    throw new Error(`Invalid plugin id '${options.pluginId}': use lower-case letters, digits and dashes`);
  }
  return {
    $$type: '@portico/BackendFeature',
    featureType: 'plugin',
    pluginId: options.pluginId,
    getRegistration() {
      const { extensionPoints, init } = collect('plugin', options.pluginId, options.register);
      return { type: 'plugin', pluginId: options.pluginId, configSchema: options.configSchema, extensionPoints, init };
    },
  };
}

export interface CreateBackendModuleOptions {
  /** The plugin this module extends. If it is not installed, the module is skipped with a log line. */
  pluginId: string;
  moduleId: string;
  /** zod schema of the target plugin's config section, for the keys this module reads. */
  configSchema?: ZodType;
  register(env: ModuleRegistrationPoints): void;
}

/** Creates a module: extends one plugin through that plugin's extension points. */
export function createBackendModule(options: CreateBackendModuleOptions): BackendPluginFeature {
  if (!ID_PATTERN.test(options.pluginId)) throw new Error(`Invalid plugin id '${options.pluginId}' for module '${options.moduleId}'`);
  if (!ID_PATTERN.test(options.moduleId)) throw new Error(`Invalid module id '${options.moduleId}' for plugin '${options.pluginId}'`);
  const name = `${options.pluginId}.${options.moduleId}`;
  return {
    $$type: '@portico/BackendFeature',
    featureType: 'module',
    pluginId: options.pluginId,
    moduleId: options.moduleId,
    getRegistration() {
      const { extensionPoints, init } = collect('module', name, options.register);
      return { type: 'module', pluginId: options.pluginId, moduleId: options.moduleId, configSchema: options.configSchema, extensionPoints, init };
    },
  };
}

/** True for anything `backend.add()` accepts. */
export function isBackendFeature(value: unknown): value is BackendFeature {
  return typeof value === 'object' && value !== null && (value as { $$type?: unknown }).$$type === '@portico/BackendFeature';
}
