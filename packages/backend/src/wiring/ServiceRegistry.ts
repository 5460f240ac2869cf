import { Container } from 'inversify';
import type { ServiceFactory, ServiceRef } from '@portico/backend-plugin-api';
import { coreServices } from '@portico/backend-plugin-api';
import { ConfigError } from '@portico/errors';
import { capitalize } from './describeFeature';

const rootContextId = (serviceId: string) => `${serviceId}#rootContext`;

/**
 * Holds the service factories of one backend and instantiates services on first use.
 * Root services live in the root inversify container; each plugin gets a child container in
 * which its plugin-scoped services (logger, database, router, ...) are created for it alone.
 */
export class ServiceRegistry {
  private readonly factories = new Map<string, ServiceFactory>();
  private readonly root = new Container();
  private readonly plugins = new Map<string, Container>();
  private readonly checked = new Set<string>();
  private readonly createdRootContexts = new Map<string, unknown>();
  private readonly createdRootServices = new Map<string, unknown>();

  /** Later factories for the same ref id replace earlier ones (user overrides defaults). */
  constructor(factories: ServiceFactory[]) {
    for (const factory of factories) this.factories.set(factory.service.id, factory);
  }

  /** The factory for a ref: an added one, else the ref's own default. */
  getFactory(ref: ServiceRef<unknown>): ServiceFactory | undefined {
    let factory = this.factories.get(ref.id);
    if (!factory && ref.defaultFactory) {
      factory = ref.defaultFactory(ref) as ServiceFactory;
      this.factories.set(ref.id, factory);
    }
    return factory;
  }

  /**
   * Fails at startup, with the feature's name, when a service it needs (directly or through
   * another service's factory) has no factory, or when factories depend on each other in a circle.
   */
  checkDependencies(featureLabel: string, refs: ServiceRef<unknown>[]): void {
    const visit = (ref: ServiceRef<unknown>, chain: string[]) => {
      if (ref.id === coreServices.pluginMetadata.id) return;
      if (chain.includes(ref.id)) {
        const cycle = [...chain.slice(chain.indexOf(ref.id)), ref.id].map(id => `'${id}'`).join(' -> ');
        throw new Error(`Circular dependency between services: ${cycle} (needed by ${featureLabel})`);
      }
      const factory = this.getFactory(ref);
      if (!factory) {
        const via = chain.length ? `, through ${chain.map(id => `'${id}'`).join(' -> ')},` : '';
        throw new Error(`${capitalize(featureLabel)} depends${via} on service '${ref.id}' which is not provided`);
      }
      if (this.checked.has(ref.id)) return;
      const next = [...chain, ref.id];
      for (const dep of Object.values(factory.deps)) visit(dep, next);
      for (const dep of Object.values(factory.rootDeps ?? {})) visit(dep, next);
      this.checked.add(ref.id);
    };
    for (const ref of refs) visit(ref, []);
  }

  /** The root context of a service's factory, created now if it was not yet (undefined when it has none). */
  async getRootContext(ref: ServiceRef<unknown>): Promise<unknown> {
    const factory = this.getFactory(ref);
    if (!factory?.createRootContext) return undefined;
    return this.rootContext(factory);
  }

  /** Every service id a set of refs needs, transitively (to find features that need `core.integrations`). */
  transitiveServiceIds(refs: ServiceRef<unknown>[]): Set<string> {
    const out = new Set<string>();
    const visit = (ref: ServiceRef<unknown>) => {
      if (out.has(ref.id)) return;
      out.add(ref.id);
      const factory = this.getFactory(ref);
      if (!factory) return;
      for (const dep of Object.values(factory.deps)) visit(dep);
      for (const dep of Object.values(factory.rootDeps ?? {})) visit(dep);
    };
    refs.forEach(visit);
    return out;
  }

  /** Creates the child container of a plugin: its plugin-scoped services are built there, lazily. */
  private containerFor(pluginId: string): Container {
    let container = this.plugins.get(pluginId);
    if (container) return container;
    container = new Container({ parent: this.root });
    container.bind(coreServices.pluginMetadata.id).toConstantValue({ getId: () => pluginId });
    this.plugins.set(pluginId, container);
    return container;
  }

  private bind(ref: ServiceRef<unknown>, pluginId?: string): Container {
    const factory = this.getFactory(ref);
    if (!factory) throw new Error(`Service '${ref.id}' is not provided`);
    if (factory.service.scope === 'root') {
      if (!this.root.isBound(ref.id)) {
        this.root
          .bind(ref.id)
          .toDynamicValue(async () => {
            const service = await this.instantiate(factory, undefined);
            this.createdRootServices.set(ref.id, service);
            return service;
          })
          .inSingletonScope();
      }
      return this.root;
    }
    if (!pluginId) throw new Error(`Plugin-scoped service '${ref.id}' cannot be used outside a plugin`);
    const container = this.containerFor(pluginId);
    if (!container.isCurrentBound(ref.id)) {
      container
        .bind(ref.id)
        .toDynamicValue(async () => {
          const context = await this.rootContext(factory);
          return this.instantiate(factory, pluginId, context);
        })
        .inSingletonScope();
    }
    return container;
  }

  private rootContext(factory: ServiceFactory): Promise<unknown> {
    const id = rootContextId(factory.service.id);
    if (!this.root.isBound(id)) {
      this.root
        .bind(id)
        .toDynamicValue(async () => {
          if (!factory.createRootContext) return undefined;
          const deps = await this.resolveMany(factory.rootDeps ?? {}, undefined);
          const context = await factory.createRootContext(deps);
          this.createdRootContexts.set(factory.service.id, context);
          return context;
        })
        .inSingletonScope();
    }
    return this.root.getAsync(id);
  }

  private async instantiate(factory: ServiceFactory, pluginId: string | undefined, context?: unknown) {
    const deps = await this.resolveMany(factory.deps, pluginId);
    try {
      return await factory.factory(deps, context);
    } catch (error) {
      // A ConfigError already names the config path; keep its type for callers (the CLI, tests).
      if (error instanceof ConfigError) throw error;
      const where = pluginId ? ` for plugin '${pluginId}'` : '';
      throw new Error(`Failed to create service '${factory.service.id}'${where}: ${(error as Error)?.message ?? error}`, { cause: error });
    }
  }

  /** The service a ref names, as seen by a plugin (plugin-scoped ones are that plugin's own). */
  async get<T>(ref: ServiceRef<T>, pluginId?: string): Promise<T> {
    if (ref.id === coreServices.pluginMetadata.id) {
      if (!pluginId) throw new Error(`Service '${ref.id}' is only available to plugins`);
      return this.containerFor(pluginId).getAsync<T>(ref.id);
    }
    const container = this.bind(ref, pluginId);
    return pluginId && ref.scope === 'plugin'
      ? this.containerFor(pluginId).getAsync<T>(ref.id)
      : container.getAsync<T>(ref.id);
  }

  async resolveMany(deps: Record<string, ServiceRef<unknown>>, pluginId: string | undefined): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      Object.entries(deps).map(async ([name, ref]) => [name, await this.get(ref, pluginId)] as const),
    );
    return Object.fromEntries(entries);
  }

  /** A root service, only if something already created it (shutdown must not create services). */
  getCreatedRootService<T>(ref: ServiceRef<T>): T | undefined {
    return this.createdRootServices.get(ref.id) as T | undefined;
  }

  /** The shared root context of a plugin-scoped factory (e.g. the database manager), if created. */
  getCreatedRootContext(serviceId: string): unknown {
    return this.createdRootContexts.get(serviceId);
  }
}
