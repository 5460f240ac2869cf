import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { coreServices, createBackendPlugin, durationSchema } from '@portico/backend-plugin-api';
import { catalogServiceRef } from '@portico/plugin-catalog-node';
import { SCAFFOLDER_TASK_RESOURCE_TYPE, scaffolderPermissions, scaffolderTaskCancelPermission, scaffolderTaskReadPermission, scaffolderTaskRetryPermission } from '@portico/plugin-scaffolder-common';
import { ConfigError } from '@portico/errors';
import { z } from 'zod';
import { scaffolderMigrations } from './database/migrations';
import { scaffolderActionsExtensionPoint, type TemplateAction } from './extensions';
import { createRouter } from './router';
import { CatalogLocationsAdapter, CatalogTemplateSource } from './service/CatalogTemplateSource';
import { SANDBOX_DEFAULTS } from './service/sandbox/Sandbox';
import { createScaffolderEngine, DEFAULT_WORKSPACE_MAX_BYTES } from './service/ScaffolderEngine';
import { DefaultSkeletonReader } from './service/SkeletonReader';
import { scaffolderPermissionRules, type TaskResource } from './service/taskPermissions';

/** A number of milliseconds, `PT30S` or `{ seconds: 30 }`; milliseconds once parsed. */
const duration = z.union([z.number().nonnegative(), durationSchema]);

/** `scaffolder:` in app-config. */
export const scaffolderConfigSchema = z
  .object({
    /** Encrypts run secrets in the database (AES-256-GCM); without it secrets stay in memory only. */
    secretsKey: z.string().min(16).optional(),
    /** Where run workspaces live on this instance (default: the OS temp dir). */
    workingDirectory: z.string().optional(),
    /**
     * Where a run's workspace is kept between steps, so that another instance can resume the run: `database`
     * (packed and compressed after each completed step that used it; the default on PostgreSQL) or `directory`
     * (`directory`, which every instance must share; the default on SQLite, where one instance runs).
     */
    workspace: z
      .object({
        store: z.enum(['database', 'directory']).optional(),
        directory: z.string().min(1).optional(),
        /** The cap of one run's packed workspace (compressed bytes); a step that leaves more fails, naming it. */
        maxBytes: z.number().int().min(1024).default(DEFAULT_WORKSPACE_MAX_BYTES),
      })
      .optional(),
    /** The live event streams (`/v2/tasks/:taskId/eventstream`). */
    eventStream: z
      .object({
        /** How often a stream also re-reads the database, in case an announcement was lost (default 5 s). */
        rereadInterval: duration.optional(),
      })
      .optional(),
    concurrency: z.number().int().min(1).max(1000).optional(),
    pollInterval: duration.optional(),
    heartbeatInterval: duration.optional(),
    staleAfter: duration.optional(),
    /** On shutdown, how long running steps may finish before their runs are handed back (default 5 s). */
    shutdownGracePeriod: duration.optional(),
    defaultStepTimeout: duration.optional(),
    http: z.object({ allowedHosts: z.array(z.string()).default([]) }).optional(),
    slack: z.object({ webhookUrl: z.string().optional() }).optional(),
    git: z
      .object({
        allowedRemotes: z.array(z.string()).default([]),
        author: z.object({ name: z.string(), email: z.string() }).optional(),
      })
      .optional(),
    /** Child processes that evaluate templates and JSONata expressions, so none can block or crash the server. */
    sandbox: z
      .object({
        /** How long one evaluation (a step's input, a file, an expression) may run. */
        timeout: duration.default(SANDBOX_DEFAULTS.timeoutMs),
        /** Heap cap of each evaluation process, in MB. */
        maxMemoryMb: z.number().int().min(16).max(8192).default(SANDBOX_DEFAULTS.maxMemoryMb),
        /** Evaluations at once (one process each). */
        workers: z.number().int().min(1).max(32).default(SANDBOX_DEFAULTS.workers),
      })
      .optional(),
  })
  .prefault({});

/** The scaffolder: templates from the catalog, durable runs, approvals and inputs, under /api/scaffolder. */
export const scaffolderPlugin = createBackendPlugin({
  pluginId: 'scaffolder',
  configSchema: scaffolderConfigSchema,
  register(env) {
    const added: TemplateAction[] = [];
    env.registerExtensionPoint(scaffolderActionsExtensionPoint, {
      addActions(...actions) {
        added.push(...actions);
      },
    });
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        rootConfig: coreServices.rootConfig,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        events: coreServices.events,
        lifecycle: coreServices.lifecycle,
        integrations: coreServices.integrations,
        catalog: catalogServiceRef,
      },
      async init(
        { logger, rootConfig, database, httpRouter, httpAuth, auth, permissions, permissionsRegistry, auditor, events, lifecycle, integrations, catalog },
        { pluginConfig: cfg },
      ) {
        await database.migrate(scaffolderMigrations);
        const knex = await database.getClient();
        const workspaceStore = cfg.workspace?.store ?? (database.engine === 'pg' ? 'database' : 'directory');
        if (workspaceStore === 'directory' && database.engine === 'pg' && !cfg.workspace?.directory) {
          // Several instances may share this database: a run resumed elsewhere would find no workspace.
          throw new ConfigError(
            "scaffolder.workspace.store is 'directory' on PostgreSQL, where several instances may run: set scaffolder.workspace.directory " +
              "to a directory every instance shares, or use store 'database'",
          );
        }
        const workingDirectory = path.resolve(
          (workspaceStore === 'directory' ? cfg.workspace?.directory : undefined) ?? cfg.workingDirectory ?? path.join(os.tmpdir(), 'portico-scaffolder'),
        );
        fs.mkdirSync(workingDirectory, { recursive: true });
        const serviceToken = async () => {
          try {
            const own = await auth.getOwnServiceCredentials();
            return (await auth.getPluginRequestToken({ onBehalfOf: own, targetPluginId: 'catalog' })).token;
          } catch {
            return undefined;
          }
        };
        const engine = createScaffolderEngine({
          knex,
          engine: database.engine,
          logger,
          templates: new CatalogTemplateSource(catalog),
          catalog: new CatalogLocationsAdapter(catalog, serviceToken),
          reader: new DefaultSkeletonReader({ fileRoots: rootConfig.getOptionalStringArray('integrations.file.roots') ?? [], integrations }),
          actions: added,
          secretsKey: cfg.secretsKey,
          workingDirectory,
          http: { allowedHosts: cfg.http?.allowedHosts ?? [] },
          slackWebhookUrl: cfg.slack?.webhookUrl,
          git: cfg.git,
          worker: {
            concurrency: cfg.concurrency,
            pollIntervalMs: cfg.pollInterval,
            heartbeatIntervalMs: cfg.heartbeatInterval,
            staleAfterMs: cfg.staleAfter,
            shutdownGraceMs: cfg.shutdownGracePeriod,
          },
          defaultStepTimeoutMs: cfg.defaultStepTimeout,
          sandbox: cfg.sandbox && { timeoutMs: cfg.sandbox.timeout, maxMemoryMb: cfg.sandbox.maxMemoryMb, workers: cfg.sandbox.workers },
          events,
          workspace: { store: workspaceStore, maxBytes: cfg.workspace?.maxBytes ?? DEFAULT_WORKSPACE_MAX_BYTES },
        });
        await engine.feed.start();
        logger.info(
          `Scaffolder ready with ${engine.registry.list().length} actions; workspaces kept in ${workspaceStore === 'database' ? 'the database' : workingDirectory}; secrets are ${engine.vault.encrypts ? 'stored encrypted (scaffolder.secretsKey)' : 'kept in memory only (set scaffolder.secretsKey to survive restarts)'}`,
        );
        permissionsRegistry.addPermissions(scaffolderPermissions);
        permissionsRegistry.addResourceType<TaskResource, unknown>({
          resourceType: SCAFFOLDER_TASK_RESOURCE_TYPE,
          permissions: [scaffolderTaskReadPermission, scaffolderTaskCancelPermission, scaffolderTaskRetryPermission],
          rules: scaffolderPermissionRules,
          getResources: ids => Promise.all(ids.map(id => engine.store.getTask(id))),
        });
        httpRouter.use(
          createRouter({
            service: engine.service,
            registry: engine.registry,
            store: engine.store,
            feed: engine.feed,
            eventStreamRereadMs: cfg.eventStream?.rereadInterval,
            httpAuth,
            auth,
            permissions,
            auditor,
          }),
        );
        lifecycle.addStartupHook(() => engine.worker.start(), { label: 'scaffolder worker' });
        lifecycle.addShutdownHook(() => engine.stop(), { label: 'scaffolder worker' });
      },
    });
  },
});
