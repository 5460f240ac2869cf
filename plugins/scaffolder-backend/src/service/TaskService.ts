import fs from 'node:fs/promises';
import path from 'node:path';
import { type LoggerService } from '@portico/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@portico/catalog-model';
import { ConflictError, InputError, NotAllowedError, NotFoundError } from '@portico/errors';
import {
  TEMPLATE_API_VERSION,
  templateActionAvailability,
  type HumanTaskResolution,
  type InboxItem,
  type JsonObject,
  type SerializedTask,
  type SerializedTaskEvent,
  type TaskSpec,
  type TemplateEntityV1beta3,
  type TemplateParameterSchema,
} from '@portico/plugin-scaffolder-common';
import { z } from 'zod';
import { serializeTask, type TaskStore } from '../database/TaskStore';
import type { ActionRegistry } from './ActionRegistry';
import { resolveSafeChildPath } from './resolveSafeChildPath';
import type { SecretsVault } from './SecretsVault';
import type { TaskWorker } from './TaskWorker';
import type { TaskRunner } from './TaskRunner';
import { templateParameterSchema, validateAgainstSchema, validateTemplateParameters } from './TemplateParameters';

/** Who is calling: the user ref and the refs they own through (user + groups). */
export interface Caller {
  userEntityRef?: string;
  ownershipEntityRefs: string[];
  /** Forwarded to the catalog when reading templates. */
  token?: string;
}

/** Where templates come from (the catalog). */
export interface TemplateSource {
  getTemplate(ref: { kind: string; namespace: string; name: string }, options: { token?: string }): Promise<{ template: TemplateEntityV1beta3; baseUrl?: string } | undefined>;
}

const stepSchema = z.object({
  id: z.string().min(1).regex(/^[\w-]+$/, 'use letters, digits, - and _'),
  name: z.string().optional(),
  action: z.string().min(1),
  input: z.record(z.string(), z.unknown()).optional(),
  if: z.union([z.string(), z.boolean()]).optional(),
  each: z.unknown().optional(),
  timeout: z.union([z.string(), z.number()]).optional(),
});

/** Checks the shape scaffolder runs need (the catalog's kind schema is looser). */
export const templateEntitySchema = z.object({
  apiVersion: z.literal(TEMPLATE_API_VERSION),
  kind: z.literal('Template'),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
  spec: z.looseObject({
    parameters: z.union([z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]).optional(),
    steps: z.array(stepSchema).min(1),
    output: z.record(z.string(), z.unknown()).optional(),
  }),
});

export interface TaskServiceOptions {
  store: TaskStore;
  registry: ActionRegistry;
  vault: SecretsVault;
  worker: TaskWorker;
  runner: TaskRunner;
  templates: TemplateSource;
  logger: LoggerService;
}

/** `[template:][namespace/]name`, lower-cased as the catalog compares refs. */
function parseTemplateRef(ref: string) {
  let parsed: { kind: string; namespace: string; name: string };
  try {
    parsed = parseEntityRef(ref, { defaultKind: 'template' });
  } catch (cause) {
    throw new InputError(`Invalid templateRef '${ref}': ${(cause as Error).message}`, undefined, { cause });
  }
  return { kind: parsed.kind.toLowerCase(), namespace: parsed.namespace.toLowerCase(), name: parsed.name.toLowerCase() };
}

/** Runs, their state, human answers and dry runs: everything the routes call. */
export class TaskService {
  constructor(private readonly o: TaskServiceOptions) {}

  /**
   * The template's shape, and (unless `allowMissingActions`) that it can run here: a step whose action is not
   * registered is refused, naming the plugin that provides it, unless the step is optional (has an `if`); such a
   * step fails only if a run chooses it.
   */
  private checkTemplate(template: unknown, options: { allowMissingActions?: boolean } = {}): TemplateEntityV1beta3 {
    const parsed = templateEntitySchema.safeParse(template);
    if (!parsed.success) {
      throw new InputError(`Invalid template: ${parsed.error.issues.map(i => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    const t = parsed.data as unknown as TemplateEntityV1beta3;
    const ids = new Set<string>();
    for (const step of t.spec.steps) {
      if (ids.has(step.id)) throw new InputError(`Invalid template: step id '${step.id}' is used twice`);
      ids.add(step.id);
    }
    if (!options.allowMissingActions) {
      const required = this.missingActions(t).filter(m => !m.optional);
      if (required.length) throw new InputError(`This template cannot run on this portal: ${required.map(m => `${m.reason} (step '${m.stepId}')`).join('; ')}`);
    }
    return t;
  }

  private missingActions(template: TemplateEntityV1beta3) {
    return templateActionAvailability(template.spec.steps, this.o.registry.list().map(a => a.id)).missing;
  }

  async loadTemplate(templateRef: string, caller: Caller, options: { allowMissingActions?: boolean } = {}) {
    const ref = parseTemplateRef(templateRef);
    if (ref.kind !== 'template') throw new InputError(`templateRef '${templateRef}' does not name a Template`);
    const found = await this.o.templates.getTemplate(ref, { token: caller.token });
    if (!found) throw new NotFoundError(`Template ${stringifyEntityRef(ref)} was not found in the catalog`);
    return { ref: stringifyEntityRef(ref), template: this.checkTemplate(found.template, options), baseUrl: found.baseUrl };
  }

  /** The form pages, and the steps whose action this portal lacks (the wizard shows the template as unavailable). */
  async parameterSchema(templateRef: string, caller: Caller): Promise<TemplateParameterSchema> {
    const { template } = await this.loadTemplate(templateRef, caller, { allowMissingActions: true });
    const missing = this.missingActions(template);
    return { ...templateParameterSchema(template), ...(missing.length ? { missingActions: missing } : {}) };
  }

  private buildSpec(template: TemplateEntityV1beta3, values: JsonObject, caller: Caller, entityRef: string, baseUrl?: string): TaskSpec {
    return {
      apiVersion: TEMPLATE_API_VERSION,
      steps: template.spec.steps,
      output: template.spec.output ?? {},
      parameters: values,
      user: { ref: caller.userEntityRef },
      templateInfo: { entityRef, baseUrl, entity: { metadata: JSON.parse(JSON.stringify(template.metadata)) as JsonObject } },
    };
  }

  async createTask(options: { templateRef: string; values: JsonObject; secrets?: Record<string, string> }, caller: Caller): Promise<{ id: string }> {
    const { ref, template, baseUrl } = await this.loadTemplate(options.templateRef, caller);
    const values = validateTemplateParameters(template, options.values);
    const spec = this.buildSpec(template, values, caller, ref, baseUrl);
    const sealed = this.o.vault.encrypts ? this.o.vault.seal('pending', options.secrets) : undefined;
    const task = await this.o.store.createTask({ spec, createdBy: caller.userEntityRef, templateRef: ref, secretsEncrypted: sealed });
    this.o.vault.remember(task.id, options.secrets);
    this.o.worker.wake();
    return { id: task.id };
  }

  async getTask(id: string): Promise<SerializedTask> {
    const task = await this.o.store.getTask(id);
    if (!task) throw new NotFoundError(`Task ${id} not found`);
    return serializeTask(task, await this.o.store.getSteps(id), await this.o.store.listWaits(id));
  }

  async listTasks(options: { createdBy?: string; status?: string[]; limit: number; offset: number }) {
    const { tasks, total } = await this.o.store.listTasks(options);
    return { tasks: tasks.map(t => serializeTask(t)), totalTasks: total };
  }

  async events(id: string, after = 0): Promise<SerializedTaskEvent[]> {
    return this.o.store.listEvents(id, after);
  }

  async cancel(id: string): Promise<{ status: string }> {
    const task = await this.o.store.getTask(id);
    if (!task) throw new NotFoundError(`Task ${id} not found`);
    if (['completed', 'failed', 'cancelled'].includes(task.status)) throw new ConflictError(`Task ${id} has already ended (${task.status})`);
    const status = await this.o.store.requestCancel(id);
    if (status === 'cancelled') {
      await this.o.store.cancelUnfinishedSteps(id);
      await this.o.store.appendEvent(id, 'cancelled', { message: 'Run was cancelled', status: 'cancelled' });
      await this.o.store.appendEvent(id, 'completion', { message: 'Run completed with status: cancelled', status: 'cancelled' });
      this.o.vault.forget(id);
    }
    return { status: status ?? task.status };
  }

  async retry(id: string, secrets?: Record<string, string>): Promise<{ id: string }> {
    const task = await this.o.store.getTask(id);
    if (!task) throw new NotFoundError(`Task ${id} not found`);
    if (task.dryRun) throw new ConflictError('Dry runs cannot be retried');
    const sealed = secrets && this.o.vault.encrypts ? this.o.vault.seal(id, secrets) : undefined;
    if (!(await this.o.store.reopenForRetry(id, sealed))) {
      throw new ConflictError(`Task ${id} is ${task.status}; only failed or cancelled runs can be retried`);
    }
    this.o.vault.remember(id, secrets);
    await this.o.store.appendEvent(id, 'recovered', { message: 'Run retried: resuming after the last completed step', status: 'open' });
    this.o.worker.wake();
    return { id };
  }

  async inbox(caller: Caller): Promise<InboxItem[]> {
    const mine = new Set([caller.userEntityRef, ...caller.ownershipEntityRefs].filter(Boolean).map(r => r!.toLowerCase()));
    return (await this.o.store.listPendingWaits())
      .filter(w => w.request.assignees.some(a => mine.has(a.toLowerCase())))
      .map(w => ({ taskId: w.taskId, stepId: w.stepId, templateRef: w.templateRef, createdBy: w.createdBy, request: w.request, waitingSince: w.createdAt }));
  }

  /** approve, reject (approval requests) or submit (input requests) by an assignee. */
  async answer(
    taskId: string,
    stepId: string,
    answer: { decision: 'approve' | 'reject' | 'submit'; values?: JsonObject; comment?: string },
    caller: Caller,
  ): Promise<{ status: string }> {
    const wait = await this.o.store.getPendingWaitForStep(taskId, stepId);
    if (!wait) throw new NotFoundError(`Step ${stepId} of task ${taskId} is not waiting for an answer`);
    const mine = new Set([caller.userEntityRef, ...caller.ownershipEntityRefs].filter(Boolean).map(r => r!.toLowerCase()));
    if (!wait.request.assignees.some(a => mine.has(a.toLowerCase()))) {
      throw new NotAllowedError(`${caller.userEntityRef ?? 'You'} may not answer this request; it is assigned to ${wait.request.assignees.join(', ')}`);
    }
    if (wait.kind === 'approval' && answer.decision === 'submit') throw new InputError('This step waits for an approval: use approve or reject');
    if (wait.kind === 'input' && answer.decision !== 'submit') throw new InputError('This step waits for input: use submit');
    if (wait.expiresAt && wait.expiresAt < new Date().toISOString()) throw new ConflictError(`The request expired at ${wait.expiresAt}`);
    const values = wait.kind === 'input' ? validateAgainstSchema(wait.request.schema ?? {}, answer.values ?? {}) : undefined;
    const resolution: HumanTaskResolution = {
      decision: answer.decision === 'approve' ? 'approved' : answer.decision === 'reject' ? 'rejected' : 'submitted',
      by: caller.userEntityRef ?? 'unknown',
      at: new Date().toISOString(),
      ...(answer.comment ? { comment: answer.comment } : {}),
      ...(values ? { values } : {}),
    };
    if (!(await this.o.store.resolveWait(taskId, wait.waitKey, resolution))) throw new ConflictError('The request was answered already');
    await this.o.store.appendEvent(taskId, 'log', { message: `${wait.request.title}: ${resolution.decision} by ${resolution.by}`, stepId });
    this.o.worker.wake();
    return { status: resolution.decision };
  }

  /**
   * Runs a template right away with `isDryRun` set: actions without dry-run support are skipped.
   * Returns the log, the steps, the output and the files the run produced.
   */
  async dryRun(
    options: { template: unknown; values: JsonObject; secrets?: Record<string, string>; directoryContents?: Array<{ path: string; base64Content: string }> },
    caller: Caller,
  ) {
    const template = this.checkTemplate(options.template);
    const values = validateTemplateParameters(template, options.values);
    const ref = stringifyEntityRef({ kind: 'template', namespace: template.metadata.namespace, name: template.metadata.name });
    const spec = this.buildSpec(template, values, caller, ref);
    const task = await this.o.store.createTask({ spec, createdBy: caller.userEntityRef, templateRef: ref, dryRun: true, claimedBy: this.o.worker.workerId });
    this.o.vault.remember(task.id, options.secrets);
    const workspace = this.o.runner.workspaceOf(task.id);
    try {
      for (const file of options.directoryContents ?? []) {
        const target = resolveSafeChildPath(workspace, file.path);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await fs.writeFile(target, Buffer.from(file.base64Content, 'base64'));
      }
      await this.o.worker.execute(task, { keepWorkspace: true });
      const finished = await this.getTask(task.id);
      const events = await this.o.store.listEvents(task.id);
      return {
        status: finished.status,
        error: finished.error,
        output: finished.output ?? {},
        steps: finished.steps ?? [],
        log: events.filter(e => e.type === 'log' || e.type === 'step').map(e => ({ body: e.body })),
        directoryContents: await readDirectory(workspace),
      };
    } finally {
      this.o.vault.forget(task.id);
      await fs.rm(workspace, { recursive: true, force: true });
      await this.o.store.deleteTask(task.id);
    }
  }
}

async function readDirectory(dir: string): Promise<Array<{ path: string; base64Content: string; executable: boolean }>> {
  const out: Array<{ path: string; base64Content: string; executable: boolean }> = [];
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const abs = path.join(entry.parentPath, entry.name);
    const stat = await fs.stat(abs);
    out.push({ path: path.relative(dir, abs).split(path.sep).join('/'), base64Content: (await fs.readFile(abs)).toString('base64'), executable: (stat.mode & 0o111) !== 0 });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
