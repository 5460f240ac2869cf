import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { LoggerService } from '@portico/backend-plugin-api';
import { createBuiltinActions, type CatalogLocationsClient } from '../actions';
import { scaffolderMigrations } from '../database/migrations';
import { TaskStore } from '../database/TaskStore';
import type { TemplateAction } from '../extensions';
import { ActionRegistry } from './ActionRegistry';
import { SecretsVault } from './SecretsVault';
import { Sandbox, type SandboxOptions } from './sandbox/Sandbox';
import { SandboxedTemplater } from './sandbox/SandboxedTemplater';
import type { SkeletonReader } from './SkeletonReader';
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
}

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
  const store = new TaskStore(options.knex, options.engine);
  const unpublishQueue = publishTaskQueue(store);
  const vault = new SecretsVault(options.secretsKey);
  const runner = new TaskRunner({
    store,
    registry,
    templater,
    logger: options.logger,
    workingDirectory: options.workingDirectory ?? path.join(os.tmpdir(), 'portico-scaffolder'),
    defaultStepTimeoutMs: options.defaultStepTimeoutMs,
  });
  const worker = new TaskWorker({ store, runner, vault, registry, logger: options.logger, ...options.worker });
  const service = new TaskService({ store, registry, vault, worker, runner, templates: options.templates, logger: options.logger });
  return {
    templater,
    sandbox,
    registry,
    store,
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
      await sandbox.close();
    },
  };
}

export type ScaffolderEngine = ReturnType<typeof createScaffolderEngine>;
