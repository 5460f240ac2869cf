import { coreServices, createBackendPlugin } from '@portico/backend-plugin-api';
import { CATALOG_ENTITIES_CHANGED_TOPIC, catalogServiceRef, type CatalogEntitiesChangedPayload } from '@portico/plugin-catalog-node';
import { authConfigSchema, checkGuestAllowed } from './config';
import { migrations } from './database/migrations';
import { DeviceCodeStore } from './database/DeviceCodeStore';
import { SessionStore } from './database/SessionStore';
import { SignInFlowStore } from './database/SignInFlowStore';
import { GithubProvider } from './providers/GithubProvider';
import { OidcProvider } from './providers/OidcProvider';
import type { AuthProvider } from './providers/types';
import { OwnershipResolver } from './resolvers/OwnershipResolver';
import { userCatalogFromApi } from './resolvers/UserCatalog';
import { createRouter } from './router';
import { DeviceAuthorizationService } from './service/DeviceAuthorizationService';
import { SignInService } from './service/SignInService';
import { cookieWriter } from './sessionCookies';

/**
 * Sign-in for the portal: OpenID Connect, GitHub and guest providers, resolvers from a provider's
 * profile to a catalog User, sessions with rotating refresh tokens, and personal access tokens.
 */
export const authPlugin = createBackendPlugin({
  pluginId: 'auth',
  configSchema: authConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        userTokens: coreServices.userTokens,
        discovery: coreServices.discovery,
        rootConfig: coreServices.rootConfig,
        scheduler: coreServices.scheduler,
        events: coreServices.events,
        catalogApi: catalogServiceRef,
      },
      async init({ logger, database, httpRouter, httpAuth, auth, auditor, userTokens, discovery, rootConfig, scheduler, events, catalogApi }, { pluginConfig: config }) {
        checkGuestAllowed(config, process.env.NODE_ENV);
        if (config.allowGuest) logger.warn('Guest sign-in is enabled (auth.allowGuest): anyone who reaches the portal can sign in as user:default/guest');

        await database.migrate(migrations);
        const knex = await database.getClient();
        const sessions = new SessionStore(knex);
        const flows = new SignInFlowStore(knex);
        const deviceCodes = new DeviceCodeStore(knex);

        const catalog = userCatalogFromApi(catalogApi, async () => {
          const { token } = await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' });
          return token || undefined;
        });
        const providers = new Map<string, AuthProvider>();
        if (config.providers.oidc) providers.set('oidc', new OidcProvider(config.providers.oidc, logger));
        if (config.providers.github) {
          // A GitHub Enterprise host configured under integrations.github lends its API URL.
          const hosts = rootConfig.getOptional<Array<{ host?: string; apiBaseUrl?: string }>>('integrations.github') ?? [];
          const integration = Array.isArray(hosts) ? hosts.find(h => h?.host === config.providers.github?.host) : undefined;
          providers.set('github', new GithubProvider({ apiBaseUrl: integration?.apiBaseUrl, ...config.providers.github }));
        }

        const backendBaseUrl = rootConfig.getOptionalString('backend.baseUrl')?.replace(/\/+$/, '');
        const externalBaseUrl = (await discovery.getExternalBaseUrl('auth')).replace(/\/+$/, '');
        const ownership = new OwnershipResolver(catalog);
        // Each instance's cache of ownership refs forgets the users and groups that changed, wherever they were ingested.
        await events.subscribe({
          id: 'auth-ownership-cache',
          topics: [CATALOG_ENTITIES_CHANGED_TOPIC],
          delivery: 'every-instance',
          onEvent: async ({ payload }) => {
            const { added = [], updated = [], removed = [] } = (payload ?? {}) as Partial<CatalogEntitiesChangedPayload>;
            ownership.forget([...added, ...updated, ...removed]);
          },
        });
        const signIn = new SignInService({ config, catalog, ownership, userTokens, sessions, logger });
        const appBaseUrl = (config.appBaseUrl ?? backendBaseUrl ?? '').replace(/\/+$/, '');
        const devices = new DeviceAuthorizationService({
          store: deviceCodes,
          userTokens,
          config: config.device,
          // The page of the app where a person enters the code; the backend's own origin when no base URL is configured.
          verificationUri: `${appBaseUrl || new URL(externalBaseUrl).origin}/device`,
        });
        httpRouter.use(
          createRouter({
            config,
            providers,
            signIn,
            flows,
            devices,
            userTokens,
            httpAuth,
            auditor,
            logger,
            cookies: cookieWriter({ secure: externalBaseUrl.startsWith('https:') }),
            externalBaseUrl,
            appBaseUrl,
          }),
        );

        await scheduler.scheduleTask({
          id: 'auth-expired-sessions',
          frequency: { duration: 'PT1H' },
          initialDelay: 'PT1M',
          timeout: 'PT5M',
          scope: 'global',
          fn: async () => {
            const ended = await sessions.deleteExpired();
            await flows.deleteExpired();
            await deviceCodes.deleteExpired();
            if (ended) logger.info(`Removed ${ended} expired sessions`);
          },
        });
      },
    });
  },
});
