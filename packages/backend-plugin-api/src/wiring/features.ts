import type { z, ZodType } from 'zod';
import type { ServiceFactory, ServiceRef } from '../services/ServiceRef';
import type { ExtensionPoint } from './ExtensionPoint';
import type { FeatureRegistration } from './FeatureRegistration';

/** What a feature's init may depend on: services and extension points. */
export type InitDeps = Record<string, ServiceRef<unknown> | ExtensionPoint<unknown>>;

export type ResolvedInitDeps<TDeps extends InitDeps> = {
  [K in keyof TDeps]: TDeps[K]['T'];
};

/** What init gets besides its deps. */
export interface InitContext<TConfig = unknown> {
  /**
   * The feature's config section (a plugin's `<pluginId>`, a module's `configSection`) as its
   * `configSchema` outputs it (defaults applied), parsed once by the host before any init runs;
   * `undefined` when the feature declares no schema.
   */
  pluginConfig: TConfig;
}

export interface InitRegistration<TDeps extends InitDeps = InitDeps, TConfig = unknown> {
  deps: TDeps;
  init(deps: ResolvedInitDeps<TDeps>, context: InitContext<TConfig>): void | Promise<void>;
}

export interface PluginRegistrationPoints<TConfig = unknown> {
  /** Provides an extension point this plugin owns. Call during `register`. */
  registerExtensionPoint<T>(ref: ExtensionPoint<T>, impl: T): void;
  /** Declares the plugin's init and what it depends on. Call exactly once. */
  registerInit<TDeps extends InitDeps>(registration: InitRegistration<TDeps, TConfig>): void;
}

/** What a feature without a `configSchema` is handed as `pluginConfig`. */
type NoConfigSchema = ZodType<undefined>;

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
/** A module's `configSection` is one top-level key of app-config (`github`, not `github.facts`). */
const SECTION_PATTERN = /^[a-z][a-zA-Z0-9-]*$/;

function collect<TConfig>(kind: string, name: string, register: (env: PluginRegistrationPoints<TConfig>) => void) {
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

export interface CreateBackendPluginOptions<TSchema extends ZodType = NoConfigSchema> {
  /** Lower-case id; the plugin's routes live under `/api/<pluginId>`. */
  pluginId: string;
  /**
   * zod schema of the plugin's config section (`<pluginId>:` in app-config). The host parses the section
   * with it once at startup (an absent section is `undefined`: give the schema `.prefault({})` so its
   * defaults apply) and hands the output to init as `pluginConfig`.
   */
  configSchema?: TSchema;
  register(env: PluginRegistrationPoints<z.output<TSchema>>): void;
}

/** Creates a backend plugin: routes, a database and a config section of its own. */
export function createBackendPlugin<TSchema extends ZodType = NoConfigSchema>(
  options: CreateBackendPluginOptions<TSchema>,
): BackendPluginFeature {
  if (!ID_PATTERN.test(options.pluginId)) {
    throw new Error(`Invalid plugin id '${options.pluginId}': use lower-case letters, digits and dashes`);
  }
  return {
    $$type: '@portico/BackendFeature',
    featureType: 'plugin',
    pluginId: options.pluginId,
    getRegistration() {
      const { extensionPoints, init } = collect('plugin', options.pluginId, options.register);
      return {
        type: 'plugin',
        pluginId: options.pluginId,
        configSection: options.pluginId,
        configSchema: options.configSchema,
        extensionPoints,
        init,
      };
    },
  };
}

export interface CreateBackendModuleOptions<TSchema extends ZodType = NoConfigSchema> {
  /** The plugin this module extends. If it is not installed, the module is skipped with a log line. */
  pluginId: string;
  moduleId: string;
  /**
   * The top-level app-config section `configSchema` reads; the target plugin's (`pluginId`) when absent.
   * Name another one when the module's settings belong to the package it ships in rather than to the
   * plugin it extends, e.g. the GitHub scorecards module reads `github.factsSchedule`.
   */
  configSection?: string;
  /**
   * zod schema of the keys this module reads in its `configSection`. The host parses the section with it
   * once at startup, like a plugin's, and hands the output to init as `pluginConfig`. A section may be
   * shared by a plugin and modules: a key one of them declares is not unknown to the others' `.strict()`.
   */
  configSchema?: TSchema;
  register(env: PluginRegistrationPoints<z.output<TSchema>>): void;
}

/** Creates a module: extends one plugin through that plugin's extension points. */
export function createBackendModule<TSchema extends ZodType = NoConfigSchema>(
  options: CreateBackendModuleOptions<TSchema>,
): BackendPluginFeature {
  if (!ID_PATTERN.test(options.pluginId)) throw new Error(`Invalid plugin id '${options.pluginId}' for module '${options.moduleId}'`);
  if (!ID_PATTERN.test(options.moduleId)) throw new Error(`Invalid module id '${options.moduleId}' for plugin '${options.pluginId}'`);
  const name = `${options.pluginId}.${options.moduleId}`;
  const configSection = options.configSection ?? options.pluginId;
  if (options.configSection !== undefined && !SECTION_PATTERN.test(options.configSection)) {
    throw new Error(`Invalid configSection '${configSection}' for module '${name}': name one top-level section, like a plugin id`);
  }
  return {
    $$type: '@portico/BackendFeature',
    featureType: 'module',
    pluginId: options.pluginId,
    moduleId: options.moduleId,
    getRegistration() {
      const { extensionPoints, init } = collect('module', name, options.register);
      return {
        type: 'module',
        pluginId: options.pluginId,
        moduleId: options.moduleId,
        configSection,
        configSchema: options.configSchema,
        extensionPoints,
        init,
      };
    },
  };
}
