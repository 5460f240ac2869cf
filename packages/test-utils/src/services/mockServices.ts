import {
  coreServices,
  createServiceFactory,
  type AuthorizeResult,
  type AuthService,
  type Credentials,
  type HttpAuthService,
  type PolicyDecision,
  type PolicyQuery,
  type ServiceFactory,
} from '@portico/backend-plugin-api';
import { ConfigReader, createPermissionsServiceFactory, InProcessEvents } from '@portico/backend';
import { createMockAuthService, createMockHttpAuthService } from './mockAuth';
import { mockCredentials } from './mockCredentials';
import { MockLogger } from './MockLogger';
import { MockScheduler } from './MockScheduler';

type JsonObject = ConstructorParameters<typeof ConfigReader>[0];

function rootConfig(options: { data?: object } = {}) {
  return new ConfigReader((options.data ?? {}) as JsonObject);
}
rootConfig.factory = (options: { data?: object } = {}): ServiceFactory =>
  createServiceFactory({ service: coreServices.rootConfig, deps: {}, factory: () => rootConfig(options) });

function rootLogger(): MockLogger {
  return new MockLogger();
}
/** A capturing root logger; pass your own MockLogger to read its lines afterwards. */
rootLogger.factory = (logger: MockLogger = new MockLogger()): ServiceFactory =>
  createServiceFactory({ service: coreServices.rootLogger, deps: {}, factory: () => logger });

function logger(): MockLogger {
  return new MockLogger();
}
/** Plugin loggers that all write into one MockLogger, tagged with the plugin id. */
logger.factory = (root: MockLogger = new MockLogger()): ServiceFactory =>
  createServiceFactory({
    service: coreServices.logger,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => root.child({ plugin: plugin.getId() }),
  });

function scheduler(): MockScheduler {
  return new MockScheduler();
}
/** Schedulers that run a task only when the test triggers it; `onCreate` receives each plugin's. */
scheduler.factory = (onCreate?: (pluginId: string, scheduler: MockScheduler) => void): ServiceFactory =>
  createServiceFactory({
    service: coreServices.scheduler,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => {
      const instance = new MockScheduler();
      onCreate?.(plugin.getId(), instance);
      return instance;
    },
  });

function events(): InProcessEvents {
  return new InProcessEvents(new MockLogger());
}
/** One in-process bus; pass your own to publish into the backend or watch what it publishes. */
events.factory = (bus: InProcessEvents = events()): ServiceFactory =>
  createServiceFactory({ service: coreServices.events, deps: {}, factory: () => bus });

function auth(pluginId = 'test'): AuthService {
  return createMockAuthService(pluginId);
}
/** Each plugin's AuthService accepts `mockCredentials` tokens and issues mock service tokens (a default of startTestBackend). */
auth.factory = (): ServiceFactory =>
  createServiceFactory({ service: coreServices.auth, deps: { plugin: coreServices.pluginMetadata }, factory: ({ plugin }) => auth(plugin.getId()) });

function httpAuth(credentials?: Credentials, pluginId = 'test'): HttpAuthService {
  return createMockHttpAuthService(createMockAuthService(pluginId), credentials);
}
/**
 * Without credentials (a default of startTestBackend): a request with a `mockCredentials` token acts as
 * it, one without a token is the guest user. With credentials: every request is made with them.
 */
httpAuth.factory = (credentials?: Credentials): ServiceFactory =>
  createServiceFactory({
    service: coreServices.httpAuth,
    deps: { auth: coreServices.auth },
    factory: ({ auth: service }) => createMockHttpAuthService(service, credentials),
  });

type MockDecision = AuthorizeResult | PolicyDecision;

/**
 * Permissions decided by a fixed result or a function of the request (a default of startTestBackend:
 * ALLOW). Conditional decisions are applied through the rules the plugins registered, as in production.
 */
const permissions = {
  factory: (decide: MockDecision | ((request: PolicyQuery, credentials: Credentials) => MockDecision | Promise<MockDecision>) = 'ALLOW'): ServiceFactory =>
    createPermissionsServiceFactory({
      async handle(request, user) {
        const decision = typeof decide === 'function' ? await decide(request, user.credentials) : decide;
        return typeof decision === 'string' ? ({ result: decision } as PolicyDecision) : decision;
      },
    }),
};

/** Stand-ins for core services, each a value you can inspect plus a `.factory()` to add to a backend. */
export const mockServices = {
  rootConfig,
  rootLogger,
  logger,
  scheduler,
  events,
  httpAuth,
  permissions,
  auth,
  /** The same as `mockCredentials`. */
  credentials: mockCredentials,
};
