import { z } from 'zod';
import {
  coreServices,
  createBackendModule,
  createBackendPlugin,
  durationSchema,
  integrationsExtensionPoint,
  type BackendFeature,
} from '@portico/backend-plugin-api';
import { catalogProvidersExtensionPoint, catalogServiceRef } from '@portico/plugin-catalog-node';
import { jiraPermissions } from '@portico/plugin-jira-common';
import { scaffolderActionsExtensionPoint } from '@portico/plugin-scaffolder-node';
import { scorecardsFactCollectorsExtensionPoint } from '@portico/plugin-scorecards-node';
import { createJiraIssueCommentAction, createJiraIssueCreateAction } from './actions/jiraActions';
import { JiraMappingCheckProvider } from './catalog/JiraMappingCheckProvider';
import { jiraClientsServiceRef } from './clientsService';
import { migrations } from './database/migrations';
import { WebhookEventStore } from '@portico/backend-plugin-api';
import { createJiraFactCollector } from './facts/JiraFactCollector';
import { pushFactsOnIssue } from './facts/pushFactsOnIssue';
import { JiraIntegrationProvider } from './integration/JiraIntegrationProvider';
import { createRouter } from './router';
import { JiraEntityService } from './service/JiraEntityService';
import { createIssueWebhookHandler } from './webhooks/issueWebhook';

const isoDuration = (fallback: string) => z.string().refine(value => durationSchema.safeParse(value).success, 'is not an ISO-8601 duration').default(fallback);

/** The `jira:` keys of the plugin itself. */
export const jiraPluginConfigSchema = z
  .object({
    /** How long answers are cached (ISO-8601 durations such as PT5M, or `{ minutes: 5 }`). */
    cache: z
      .object({
        /** An entity's issues, counts and 30-day trend (default PT5M); a webhook refreshes a project sooner. */
        issues: durationSchema.prefault('PT5M'),
        /** Projects (name, lead, avatar) and a Group's components (default PT1H). */
        projects: durationSchema.prefault('PT1H'),
      })
      .strict()
      .prefault({}),
    /** Open issues read per mapping for the list (default 1000); beyond it the counts by type and priority are Jira's. */
    maxIssues: z.number().int().positive().max(10_000).default(1000),
  })
  .strict()
  .prefault({});

/** `jira.securityIssues`: what marks a security issue, a label or an issue type. */
export const jiraSecurityIssuesSchema = z.union([z.object({ label: z.string().min(1) }).strict(), z.object({ issueType: z.string().min(1) }).strict()]);

/** The scorecards module's keys of the `jira:` section (the fact collector's settings live with Jira's). */
export const jiraScorecardsConfigSchema = z
  .object({
    /** Without it `jira.openSecurityIssues` is not collected. */
    securityIssues: jiraSecurityIssuesSchema.optional(),
    /** ISO-8601 duration between fact collections (default PT1H); issue webhooks push facts in between. */
    factsSchedule: isoDuration('PT1H'),
    /** ISO-8601 duration after which uncollected facts are stale and rules using them unknown (default PT3H). */
    factsFreshness: isoDuration('PT3H'),
    /** Entities whose facts are read at the same time (default 8; each site also caps its concurrent requests). */
    factsConcurrency: z.number().int().positive().max(64).default(8),
  })
  .strict()
  .prefault({});

/** The catalog module's keys of the `jira:` section. */
export const jiraCatalogConfigSchema = z
  .object({
    /** How often every mapping is checked against Jira (rejected JQL, unknown project -> catalog errors on the entity). */
    mappingCheck: z
      .object({ frequency: durationSchema.prefault('PT1H'), timeout: durationSchema.prefault('PT10M'), enabled: z.boolean().default(true) })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/**
 * The `jira` plugin: `GET /api/jira/entity` (an entity's issues, cached), `POST /api/jira/webhooks` (issue events),
 * and the sites' health in /readyz.
 */
export const jiraPlugin = createBackendPlugin({
  pluginId: 'jira',
  configSchema: jiraPluginConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        http: coreServices.httpRouter,
        cache: coreServices.cache,
        database: coreServices.database,
        clients: jiraClientsServiceRef,
        catalog: catalogServiceRef,
        health: coreServices.health,
        auth: coreServices.auth,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        events: coreServices.events,
      },
      async init({ logger, http, cache, database, clients, catalog, health, auth, httpAuth, permissions, permissionsRegistry, auditor, events }, { pluginConfig }) {
        permissionsRegistry.addPermissions(jiraPermissions);
        if (clients.sites.length === 0) logger.info('integrations.jira has no site: /api/jira answers no issues for any entity');
        await database.migrate(migrations);
        const catalogToken = async () => (await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' })).token || undefined;
        const service = new JiraEntityService({ clients, cache, catalog, catalogToken, ttls: pluginConfig.cache, maxIssues: pluginConfig.maxIssues });
        const webhooks = {
          sites: clients.sites,
          events: new WebhookEventStore(await database.getClient()),
          handleIssue: createIssueWebhookHandler({ service, clients, catalog, events, catalogToken }),
        };
        if (!clients.sites.some(s => s.webhookSecret)) logger.info('No integrations.jira site has a webhookSecret: POST /api/jira/webhooks answers 503');
        http.use(createRouter({ service, catalog, auth, logger, httpAuth, permissions, auditor, webhooks }));
        const integration = new JiraIntegrationProvider(clients);
        health.addCheck('integrations', () => integration.health());
      },
    });
  },
});

/** `core.integrations`: lists the Jira sites; health per site. */
export const jiraIntegrationModule = createBackendModule({
  pluginId: 'jira',
  moduleId: 'integration',
  register(env) {
    env.registerInit({
      deps: { integrations: integrationsExtensionPoint, clients: jiraClientsServiceRef },
      async init({ integrations, clients }) {
        integrations.addProvider(new JiraIntegrationProvider(clients));
      },
    });
  },
});

/** `catalog.providers`: checks every entity's Jira mapping on `jira.mappingCheck.frequency` and reports what Jira rejects as catalog errors. */
export const jiraCatalogModule = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'jira',
  configSection: 'jira',
  configSchema: jiraCatalogConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        providers: catalogProvidersExtensionPoint,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        clients: jiraClientsServiceRef,
        catalog: catalogServiceRef,
      },
      async init({ providers, logger, scheduler, auth, clients, catalog }, { pluginConfig }) {
        if (clients.sites.length === 0 || !pluginConfig.mappingCheck.enabled) return;
        const catalogToken = async () => (await auth.getPluginRequestToken({ onBehalfOf: await auth.getOwnServiceCredentials(), targetPluginId: 'catalog' })).token || undefined;
        const provider = new JiraMappingCheckProvider({ clients, catalog, catalogToken, logger });
        providers.addEntityProvider(provider);
        const { frequency, timeout } = pluginConfig.mappingCheck;
        await scheduler.scheduleTask({
          id: `${provider.getProviderName()}:run`,
          frequency: { duration: { milliseconds: frequency } },
          timeout: { milliseconds: timeout },
          // The catalog connects providers and reads its locations first.
          initialDelay: { milliseconds: Math.min(frequency, 60_000) },
          scope: 'global',
          fn: async () => void (await provider.run()),
        });
      },
    });
  },
});

/**
 * `scorecards.factCollectors`: `jira.*` facts for entities annotated `jira/project-key`, on `jira.factsSchedule`,
 * and pushed again for the matching entities on every `jira.issue.*` event.
 */
export const jiraScorecardsModule = createBackendModule({
  pluginId: 'scorecards',
  moduleId: 'jira',
  configSection: 'jira',
  configSchema: jiraScorecardsConfigSchema,
  register(env) {
    env.registerInit({
      deps: {
        collectors: scorecardsFactCollectorsExtensionPoint,
        clients: jiraClientsServiceRef,
        catalog: catalogServiceRef,
        logger: coreServices.logger,
        events: coreServices.events,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
      },
      async init({ collectors, clients, catalog, logger, events, discovery, auth }, { pluginConfig }) {
        const { securityIssues } = pluginConfig;
        collectors.addFactCollector(
          createJiraFactCollector({ clients, logger, securityIssues, schedule: pluginConfig.factsSchedule, freshness: pluginConfig.factsFreshness, concurrency: pluginConfig.factsConcurrency }),
        );
        await pushFactsOnIssue({ events, clients, catalog, discovery, auth, logger, securityIssues });
      },
    });
  },
});

/** `scaffolder.actions`: jira:issue:create and jira:issue:comment. */
export const jiraScaffolderModule = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'jira',
  register(env) {
    env.registerInit({
      deps: { actions: scaffolderActionsExtensionPoint, clients: jiraClientsServiceRef },
      async init({ actions, clients }) {
        actions.addActions(createJiraIssueCreateAction(clients), createJiraIssueCommentAction(clients));
      },
    });
  },
});

/**
 * The integration's features; modules whose target plugin is not installed are skipped by the host. The package's
 * default export (index.ts) is these and the initiative tickets module (./initiatives).
 */
export const jiraFeatures: BackendFeature[] = [jiraPlugin, jiraIntegrationModule, jiraCatalogModule, jiraScorecardsModule, jiraScaffolderModule];
