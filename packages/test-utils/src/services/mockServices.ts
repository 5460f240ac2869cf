import {
  coreServices,
  createServiceFactory,
  type AuthorizeRequest,
  type AuthorizeResult,
  type Credentials,
  type Principal,
  type ServiceFactory,
} from '@portico/backend-plugin-api';
import {
  ConfigReader,
  createPermissionsServiceFactory,
  createCredentials,
  guestCredentials,
  InProcessEvents,
} from '@portico/backend';
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

function httpAuth(credentials: Credentials = guestCredentials()) {
  return {
    async credentials<T extends Principal['type'] = Principal['type']>() {
      return credentials as Credentials<Extract<Principal, { type: T }>>;
    },
  };
}
/** Every request is made with the given credentials (default: the guest user). */
httpAuth.factory = (credentials?: Credentials): ServiceFactory =>
  createServiceFactory({ service: coreServices.httpAuth, deps: {}, factory: () => httpAuth(credentials) });

/** Permissions decided by a fixed result or a function of the request. */
const permissions = {
  factory: (decide: AuthorizeResult | ((request: AuthorizeRequest, credentials: Credentials) => AuthorizeResult) = 'ALLOW'): ServiceFactory =>
    createPermissionsServiceFactory({
      async handle(request, credentials) {
        return typeof decide === 'function' ? decide(request, credentials) : decide;
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
  credentials: {
    user: (userEntityRef = 'user:default/guest', ownershipEntityRefs = [userEntityRef]) =>
      createCredentials({ type: 'user', userEntityRef, ownershipEntityRefs }),
    service: (subject = 'external:test') => createCredentials({ type: 'service', subject }),
    none: () => createCredentials({ type: 'none' }),
  },
};
