import type http from 'node:http';
import {
  coreServices,
  createServiceFactory,
  type BackendFeature,
  type BackendFeatureBundle,
  type BackendPluginFeature,
  type ConfigService,
  type ExtensionPoint,
  type LoggerService,
  type ServiceFactory,
  type ServiceRef,
} from '@portico/backend-plugin-api';
import { createHealthRoutes } from '../http/healthRoutes';
import type { HostHttpServer } from '../http/HostHttpServer';
import { hostHttpServerServiceRef } from '../services/rootHttpRouter/hostHttpServerServiceFactory';
import { rootHealthServiceRef } from '../services/health/RootHealthService';
import { rootLifecycleServiceRef, type RootLifecycleService } from '../services/lifecycle/RootLifecycleService';
import { BackendState, backendStateServiceRef } from './BackendState';
import type { FeatureRegistration } from './FeatureRegistration';
import { isBackendFeature } from './isBackendFeature';
import { bootFailurePolicy } from './bootFailurePolicy';
import { capitalize } from './describeFeature';
import { guardExtensionPoint } from './extensionPointGuard';
import { createHostIntegrationRegistry, type IntegrationRegistry } from '../services/integrations';
import { INTEGRATIONS_NODE_KEY, planStartup, type FeatureNode, type StartupPlan } from './planStartup';
import { runFeatureGraph } from './runFeatureGraph';
import { ServiceRegistry } from './ServiceRegistry';
import { ABORTED_BEFORE_INIT, logStartupSummary } from './startupSummary';
import { validatePluginConfig } from './validatePluginConfig';
import { reportUnknownConfigKeys } from './reportUnknownConfigKeys';

/** Anything `backend.add()` takes: a feature, a bundle, or a dynamic import of a package. */
export type BackendFeatureInput =
  | BackendFeatureBundle
  | Promise<BackendFeatureBundle | { default: BackendFeatureBundle }>;

export interface BackendHostOptions {
  /** Default service factories, overridden by factories given to `add()`. */
  defaultServiceFactories: ServiceFactory[];
  /** Stop on SIGTERM/SIGINT and exit the process (the CLI sets this). */
  handleSignals?: boolean;
  /** Plugins added unless a plugin of the same id was added (the built-in `permission` and `audit`). */
  defaultPlugins?: BackendPluginFeature[];
}

/** How long shutdown may take before the process is forced to exit. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;
const DRAIN_TIMEOUT_MS = 8_000;

function describeValue(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  const keys = Object.keys(value).slice(0, 5);
  return `an object with keys [${keys.join(', ')}]`;
}

async function unwrapFeatures(input: BackendFeatureInput): Promise<BackendFeature[]> {
  let value: unknown = await input;
  // `import()` of a CommonJS package can wrap its exports twice: { default: { default: feature } }.
  for (let depth = 0; depth < 2; depth++) {
    if (value && typeof value === 'object' && !isBackendFeature(value) && !Array.isArray(value) && 'default' in value) {
      value = (value as { default: unknown }).default;
    }
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map(item => {
    if (!isBackendFeature(item)) {
      throw new Error(`backend.add() was given something that is not a plugin, module or service factory: ${describeValue(item)}`);
    }
    return item;
  });
}

const loggedStartErrors = new WeakSet<object>();

/**
 * True when the host's logger already said why the start failed (`Backend failed to start: ...`): a caller such as
 * the CLI then need not say it again.
 */
export function isStartErrorLogged(error: unknown): boolean {
  return error instanceof Object && loggedStartErrors.has(error);
}

/**
 * The backend: collects features, orders their inits, serves HTTP and shuts down cleanly.
 * Created by `createBackend()`.
 */
export class BackendHost {
  private readonly inputs: BackendFeatureInput[] = [];
  private readonly state = new BackendState();
  private registry?: ServiceRegistry;
  private httpServer?: HostHttpServer;
  private logger?: LoggerService;
  private startPromise?: Promise<void>;
  private stopPromise?: Promise<void>;
  private signalHandler?: (signal: NodeJS.Signals) => void;

  constructor(private readonly options: BackendHostOptions) {}

  add(feature: BackendFeatureInput): void {
    if (this.startPromise) throw new Error('backend.add() must be called before backend.start()');
    // Rejections are reported by start(); don't let them go unhandled meanwhile.
    if (feature instanceof Promise) feature.catch(() => undefined);
    this.inputs.push(feature);
  }

  start(): Promise<void> {
    if (this.startPromise) throw new Error('backend.start() was called twice');
    this.startPromise = this.doStart();
    return this.startPromise;
  }

  /** The HTTP server (listening once `start()` has resolved). */
  get server(): http.Server {
    if (!this.httpServer) throw new Error('The backend has no HTTP server before start()');
    return this.httpServer.server;
  }

  /** The port the server listens on. */
  get port(): number {
    if (!this.httpServer) throw new Error('The backend has no HTTP server before start()');
    return this.httpServer.port;
  }

  /** Looks up a service as a plugin (or the root) sees it: for tests and tooling. */
  async getService<T>(ref: ServiceRef<T>, pluginId?: string): Promise<T> {
    if (!this.registry) throw new Error('Services are available once backend.start() has been called');
    return this.registry.get(ref, pluginId);
  }

  /** Marks the phases on the performance timeline (`portico:host-*`): `portico start` can print them for bench/startup. */
  private async doStart(): Promise<void> {
    this.state.phase = 'starting';
    const startedAt = Date.now();
    let plan: StartupPlan | undefined;
    try {
      const features = (await Promise.all(this.inputs.map(unwrapFeatures))).flat();
      const factories: ServiceFactory[] = [];
      const plugins: BackendPluginFeature[] = [];
      const added = new Set<string>();
      for (const feature of features) {
        if (feature.featureType === 'service') {
          if (added.has(feature.service.id)) throw new Error(`A service factory for '${feature.service.id}' was added twice`);
          added.add(feature.service.id);
          factories.push(feature);
        } else {
          plugins.push(feature);
        }
      }
      for (const plugin of this.options.defaultPlugins ?? []) {
        if (!plugins.some(p => p.featureType === 'plugin' && p.pluginId === plugin.pluginId)) plugins.push(plugin);
      }

      // Filled once the config is loaded; the service is only created after that.
      const host: { integrations?: IntegrationRegistry } = {};
      const registry = new ServiceRegistry([
        ...this.options.defaultServiceFactories,
        ...factories,
        createServiceFactory({ service: backendStateServiceRef, deps: {}, factory: () => this.state }),
        // The host owns core.integrations: one registry is both the extension point and the service.
        createServiceFactory({ service: coreServices.integrations, deps: {}, factory: () => host.integrations! }),
      ]);
      this.registry = registry;
      const config = await registry.get(coreServices.rootConfig);
      const logger = await registry.get(coreServices.rootLogger);
      this.logger = logger;
      const integrations = createHostIntegrationRegistry(config);
      host.integrations = integrations;

      performance.mark('portico:host-config');
      plan = planStartup(plugins, registry, integrations);
      for (const skipped of plan.skippedModules) {
        logger.info(`Skipping ${skipped.label}: plugin '${skipped.pluginId}' is not installed`);
      }
      const pluginConfigs = validatePluginConfig(
        config,
        [...plan.nodes.values()].flatMap(n => (n.registration ? [n.registration] : [])),
        plan.skippedModules.map(m => m.registration),
      );
      reportUnknownConfigKeys(config, logger, [...plan.nodes.values()], plan.skippedModules.map(m => m.registration));
      for (const pluginId of plan.pluginIds) this.state.setPlugin(pluginId, { status: 'pending' });
      this.installSignalHandlers();
      performance.mark('portico:host-planned');

      const server = await registry.get(hostHttpServerServiceRef);
      this.httpServer = server;
      server.systemRouter.use(createHealthRoutes({ health: await registry.get(rootHealthServiceRef), metrics: server.metrics }));
      const lifecycle = await registry.get(rootLifecycleServiceRef);
      await server.listen();
      performance.mark('portico:host-listening');

      // A database the portal cannot use (a missing PostgreSQL database, a SQLite data directory another
      // instance holds) stops the start here, said once, rather than in every plugin that opens it.
      const database = (await registry.getRootContext(coreServices.database)) as { checkDatabase?: () => Promise<void> } | undefined;
      await database?.checkDatabase?.();
      performance.mark('portico:host-database-checked');

      await this.initFeatures(plan, registry, config, logger, integrations, pluginConfigs);
      this.state.phase = 'started';
      performance.mark('portico:host-plugins-started');
      await lifecycle.startup();
      performance.mark('portico:host-started');
      logStartupSummary(logger, this.state, plan, Date.now() - startedAt);
    } catch (error) {
      this.state.phase = 'aborted';
      // Plugins whose init never ran because the start stopped early.
      for (const [pluginId, plugin] of this.state.plugins) {
        if (plugin.status === 'pending') this.state.setPlugin(pluginId, { status: 'skipped', error: ABORTED_BEFORE_INIT });
      }
      if (plan && this.logger && this.state.plugins.size > 0) logStartupSummary(this.logger, this.state, plan, Date.now() - startedAt, 'aborted');
      if (this.logger) {
        this.logger.error(`Backend failed to start: ${(error as Error)?.message ?? error}`);
        if (error instanceof Object) loggedStartErrors.add(error);
      }
      await this.shutdown().catch(() => undefined);
      this.state.phase = 'aborted';
      throw error;
    }
  }

  private async initFeatures(
    plan: StartupPlan,
    registry: ServiceRegistry,
    config: ConfigService,
    logger: LoggerService,
    integrations: IntegrationRegistry,
    pluginConfigs: Map<FeatureRegistration, unknown>,
  ) {
    const closedExtensionPoints = new Set<string>();
    const failedPlugins = new Map<string, string>();
    const pluginStart = new Map<string, number>();

    const resolveDeps = async (node: FeatureNode) => {
      const deps = node.registration!.init.deps;
      const entries = await Promise.all(
        Object.entries(deps).map(async ([name, dep]) => {
          if ((dep as ExtensionPoint<unknown>).$$type === '@portico/ExtensionPoint') {
            const ep = plan.extensionPoints.get(dep.id)!;
            if (ep.ownerKey === node.key) return [name, ep.impl] as const;
            return [
              name,
              guardExtensionPoint(ep.impl, {
                extensionPointId: ep.id,
                contributor: capitalize(node.label),
                owner: ep.ownerLabel,
                isClosed: () => closedExtensionPoints.has(ep.id),
              }),
            ] as const;
          }
          return [name, await registry.get(dep as ServiceRef<unknown>, node.pluginId)] as const;
        }),
      );
      return Object.fromEntries(entries);
    };

    await runFeatureGraph(plan.nodes, async node => {
      if (node.key === INTEGRATIONS_NODE_KEY) {
        // Every provider is in: freeze the registry and check each provider's config section.
        closedExtensionPoints.add(plan.extensionPoints.get('core.integrations')!.id);
        integrations.freeze();
        integrations.validateConfig(config);
        return 'ok';
      }
      const registration = node.registration!;
      // A plugin allowed to fail takes its remaining modules (or itself) down with it.
      if (failedPlugins.has(node.pluginId)) return 'continue';
      for (const { ref } of registration.extensionPoints) closedExtensionPoints.add(ref.id);
      if (!pluginStart.has(node.pluginId)) pluginStart.set(node.pluginId, Date.now());
      try {
        await registration.init.init(await resolveDeps(node), { pluginConfig: pluginConfigs.get(registration) });
        if (!node.moduleId) {
          this.state.setPlugin(node.pluginId, { status: 'started', durationMs: Date.now() - pluginStart.get(node.pluginId)! });
        }
        return 'ok';
      } catch (cause) {
        const message = (cause as Error)?.message ?? String(cause);
        const error = new Error(`${capitalize(node.label)} failed to start: ${message}`, { cause });
        if (bootFailurePolicy(config, node.pluginId) === 'continue') {
          failedPlugins.set(node.pluginId, message);
          this.state.setPlugin(node.pluginId, {
            status: 'failed',
            error: node.moduleId ? `${node.label}: ${message}` : message,
            durationMs: Date.now() - pluginStart.get(node.pluginId)!,
          });
          logger.error(`${error.message} (onBootFailure: continue, starting the rest)`);
          return 'continue';
        }
        this.state.setPlugin(node.pluginId, { status: 'failed', error: message, durationMs: Date.now() - pluginStart.get(node.pluginId)! });
        return { abort: error };
      }
    });
  }

  private installSignalHandlers(): void {
    if (!this.options.handleSignals || this.signalHandler) return;
    let received = false;
    this.signalHandler = (signal: NodeJS.Signals) => {
      // A second signal (Ctrl-C reaches both npm and us) must not cut the graceful stop short.
      if (received) return;
      received = true;
      this.logger?.info(`Received ${signal}, shutting down`);
      setTimeout(() => {
        this.logger?.error(`Shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting`);
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
      this.stop().then(
        () => process.exit(0),
        error => {
          this.logger?.error(`Shutdown failed: ${(error as Error)?.message ?? error}`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', this.signalHandler);
    process.on('SIGINT', this.signalHandler);
  }

  /**
   * Stops accepting connections, lets requests in flight finish, runs the shutdown hooks in
   * reverse order, stops the scheduler and closes the databases.
   */
  async stop(): Promise<void> {
    if (!this.startPromise) return;
    await this.startPromise.catch(() => undefined);
    await this.shutdown();
  }

  private shutdown(): Promise<void> {
    this.stopPromise ??= (async () => {
      this.state.phase = 'stopping';
      const registry = this.registry;
      const logger = this.logger;
      await this.httpServer?.close(DRAIN_TIMEOUT_MS);
      const lifecycle = registry?.getCreatedRootService<RootLifecycleService>(rootLifecycleServiceRef);
      await lifecycle?.shutdown(logger);
      for (const serviceId of [coreServices.scheduler.id, coreServices.cache.id, coreServices.database.id]) {
        const context = registry?.getCreatedRootContext(serviceId) as { shutdown?: () => Promise<void> } | undefined;
        try {
          await context?.shutdown?.();
        } catch (error) {
          logger?.error(`Closing '${serviceId}' failed: ${(error as Error)?.message ?? error}`);
        }
      }
      if (this.signalHandler) {
        process.off('SIGTERM', this.signalHandler);
        process.off('SIGINT', this.signalHandler);
      }
      this.state.phase = 'stopped';
      logger?.info('Backend stopped');
    })();
    return this.stopPromise;
  }
}
