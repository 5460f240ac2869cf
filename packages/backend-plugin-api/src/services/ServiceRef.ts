/** Where a service lives: one instance for the whole backend, or one per plugin. */
export type ServiceScope = 'root' | 'plugin';

/** A typed reference to a service. Depend on it in `deps`; the host supplies the implementation. */
export interface ServiceRef<TService, TScope extends ServiceScope = ServiceScope> {
  readonly $$type: '@portico/ServiceRef';
  readonly id: string;
  readonly scope: TScope;
  /** Type carrier only; never read at run time. */
  readonly T: TService;
  /** Used when no factory for this ref was added to the backend; receives this ref. A method, so refs stay covariant. */
  defaultFactory?(service: ServiceRef<TService, TScope>): ServiceFactory<TService, TScope>;
}

export interface ServiceRefOptions<TService, TScope extends ServiceScope> {
  id: string;
  scope?: TScope;
  /**
   * The factory used when none was added for this ref. It receives the ref itself (as in Backstage), so the
   * factory can name its service without the ref and the factory referring to each other by name, which strict
   * TypeScript cannot type without an annotation (TS7022):
   * `defaultFactory: service => createServiceFactory({ service, deps: {}, factory: () => impl })`.
   */
  defaultFactory?(service: ServiceRef<TService, TScope>): ServiceFactory<TService, TScope>;
}

/** Creates a reference to a service. Plugin-scoped unless `scope: 'root'` is given. */
export function createServiceRef<TService>(options: ServiceRefOptions<TService, 'plugin'> & { scope?: 'plugin' }): ServiceRef<TService, 'plugin'>;
export function createServiceRef<TService>(options: ServiceRefOptions<TService, 'root'> & { scope: 'root' }): ServiceRef<TService, 'root'>;
export function createServiceRef<TService>(options: ServiceRefOptions<TService, ServiceScope>): ServiceRef<TService, ServiceScope> {
  if (!options.id || typeof options.id !== 'string') throw new TypeError('createServiceRef needs an id');
  return {
    $$type: '@portico/ServiceRef',
    id: options.id,
    scope: options.scope ?? 'plugin',
    defaultFactory: options.defaultFactory,
    get T(): TService {
      throw new Error(`ServiceRef.T of '${options.id}' is a type carrier and cannot be read`);
    },
  } as ServiceRef<TService, ServiceScope>;
}

/** Maps a deps object of refs to the object of the services they name. */
export type ServiceDeps<TDeps extends Record<string, ServiceRef<unknown>>> = {
  [K in keyof TDeps]: TDeps[K]['T'];
};

/** How to build a service. Add one with `backend.add(factory)` to replace a default. */
export interface ServiceFactory<TService = unknown, TScope extends ServiceScope = ServiceScope> {
  readonly $$type: '@portico/BackendFeature';
  readonly featureType: 'service';
  readonly service: ServiceRef<TService, TScope>;
  readonly deps: Record<string, ServiceRef<unknown>>;
  /** Root-scoped: called once. Plugin-scoped: called once per plugin, with the shared root context. */
  readonly factory: (deps: Record<string, unknown>, rootContext: unknown) => TService | Promise<TService>;
  /** Plugin-scoped factories only: built once, shared by every plugin's instance. */
  readonly createRootContext?: (deps: Record<string, unknown>) => unknown | Promise<unknown>;
  /** Plugin-scoped factories only: what `createRootContext` depends on. */
  readonly rootDeps?: Record<string, ServiceRef<unknown, 'root'>>;
}

export interface RootServiceFactoryOptions<TService, TDeps extends Record<string, ServiceRef<unknown, 'root'>>> {
  service: ServiceRef<TService, 'root'>;
  deps: TDeps;
  factory(deps: ServiceDeps<TDeps>): TService | Promise<TService>;
}

export interface PluginServiceFactoryOptions<
  TService,
  TContext,
  TDeps extends Record<string, ServiceRef<unknown>>,
  TRootDeps extends Record<string, ServiceRef<unknown, 'root'>>,
> {
  service: ServiceRef<TService, 'plugin'>;
  deps: TDeps;
  /** Root-scoped dependencies for `createRootContext`. */
  rootDeps?: TRootDeps;
  createRootContext?(deps: ServiceDeps<TRootDeps>): TContext | Promise<TContext>;
  factory(deps: ServiceDeps<TDeps>, context: TContext): TService | Promise<TService>;
}

/** Creates a factory for a root- or plugin-scoped service. */
export function createServiceFactory<TService, TDeps extends Record<string, ServiceRef<unknown, 'root'>>>(
  options: RootServiceFactoryOptions<TService, TDeps>,
): ServiceFactory<TService, 'root'>;
export function createServiceFactory<
  TService,
  TDeps extends Record<string, ServiceRef<unknown>>,
  TContext = undefined,
  TRootDeps extends Record<string, ServiceRef<unknown, 'root'>> = Record<string, never>,
>(options: PluginServiceFactoryOptions<TService, TContext, TDeps, TRootDeps>): ServiceFactory<TService, 'plugin'>;
export function createServiceFactory(
  options: object,
): ServiceFactory {
  const { service, deps, factory, rootDeps, createRootContext } = options as {
    service: ServiceRef<unknown>;
    deps: Record<string, ServiceRef<unknown>>;
    factory: (deps: Record<string, unknown>, ctx: unknown) => unknown;
    rootDeps?: Record<string, ServiceRef<unknown>>;
    createRootContext?: (deps: Record<string, unknown>) => unknown;
  };
  if (service.scope === 'root') {
    for (const [name, dep] of Object.entries(deps)) {
      if (dep.scope !== 'root') {
        throw new Error(`Root service '${service.id}' cannot depend on plugin-scoped service '${dep.id}' (dep '${name}')`);
      }
    }
  }
  return {
    $$type: '@portico/BackendFeature',
    featureType: 'service',
    service,
    deps: { ...deps },
    factory,
    ...(createRootContext
      ? { createRootContext, rootDeps: { ...(rootDeps ?? {}) } }
      : {}),
  } as ServiceFactory;
}
