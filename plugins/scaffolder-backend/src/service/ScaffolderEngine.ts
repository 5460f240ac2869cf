import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { EventsService, LoggerService } from '@portico/backend-plugin-api';
import { createBuiltinActions, type CatalogLocationsClient } from '../actions';
import { scaffolderMigrations } from '../database/migrations';
import { TaskStore } from '../database/TaskStore';
import type { TemplateAction } from '../extensions';
import { ActionRegistry } from './ActionRegistry';
import { SecretsVault } from './SecretsVault';
import { Sandbox, type SandboxOptions } from './sandbox/Sandbox';
import { SandboxedTemplater } from './sandbox/SandboxedTemplater';
import type { SkeletonReader } from './SkeletonReader';
import { TaskEventFeed } from './TaskEventFeed';
import { TaskRunner } from './TaskRunner';
import { TaskService, type TemplateSource } from './TaskService';
import { TaskWorker } from './TaskWorker';
import { publishTaskQueue } from './taskQueueMetrics';

export interface ScaffolderEngineOptions {
  knex: Knex;
  engine: 'sqlite' | 'pg';
  logger: LoggerService;
  templates: TemplateSource;
  catalog: CatalogLocationsClient;
  reader: SkeletonReader;
  /** Actions from `scaffolder.actions`, added after the built-ins. */
  actions?: TemplateAction[];
  secretsKey?: string;
  workingDirectory?: string;
  http?: { allowedHosts: string[] };
  slackWebhookUrl?: string;
  git?: { allowedRemotes?: string[]; author?: { name: string; email: string } };
  worker?: { concurrency?: number; pollIntervalMs?: number; heartbeatIntervalMs?: number; staleAfterMs?: number; shutdownGraceMs?: number };
  defaultStepTimeoutMs?: number;
  /** Limits of the processes that evaluate templates and JSONata. */
  sandbox?: SandboxOptions;
  /** Carries committed run events to the live streams of every instance; without it, to this process's only. */
  events?: EventsService;
  /** Where a run's workspace is kept between steps (see TaskRunnerOptions.workspace). Default: `workingDirectory` only. */
  workspace?: { store: 'database' | 'directory'; maxBytes: number };
}

/** The default cap of a run's packed workspace in the database (compressed). */
export const DEFAULT_WORKSPACE_MAX_BYTES = 50 * 1024 * 1024;

/** Builds the scaffolder's parts from its dependencies (the plugin and the tests use the same wiring). */
export function createScaffolderEngine(options: ScaffolderEngineOptions) {
  const sandbox = new Sandbox(options.sandbox);
  const templater = new SandboxedTemplater({ sandbox });
  const registry = new ActionRegistry();
  const builtins = createBuiltinActions({
    reader: options.reader,
    templater,
    sandbox,
    httpPolicy: { allowedHosts: options.http?.allowedHosts ?? [] },
    catalog: options.catalog,
    slackWebhookUrl: options.slackWebhookUrl,
    gitAllowedRemotes: options.git?.allowedRemotes,
    gitAuthor: options.git?.author,
  });
  for (const action of [...builtins, ...(options.actions ?? [])]) registry.register(action);
  const feed = new TaskEventFeed({ events: options.events, logger: options.logger });
  const store = new TaskStore(options.knex, options.engine, written => feed.announce(written));
  const unpublishQueue = publishTaskQueue(store);
  const vault = new SecretsVault(options.secretsKey);
  const runner = new TaskRunner({
    store,
    registry,
    templater,
    logger: options.logger,
    workingDirectory: options.workingDirectory ?? path.join(os.tmpdir(), 'portico-scaffolder'),
    defaultStepTimeoutMs: options.defaultStepTimeoutMs,
    workspace: options.workspace,
  });
  const worker = new TaskWorker({ store, runner, vault, registry, logger: options.logger, ...options.worker });
  const service = new TaskService({ store, registry, vault, worker, runner, templates: options.templates, logger: options.logger });
  return {
    templater,
    sandbox,
    registry,
    store,
    feed,
    vault,
    runner,
    worker,
    service,
    async migrate() {
      for (const m of scaffolderMigrations) await m.up(options.knex);
    },
    /** Stops the worker, then the sandbox's evaluation processes. */
    async stop() {
      unpublishQueue();
      await worker.stop();
      await feed.settled();
      await sandbox.close();
    },
  };
}

export type ScaffolderEngine = ReturnType<typeof createScaffolderEngine>;
