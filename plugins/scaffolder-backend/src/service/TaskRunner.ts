import { mkdirSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { formatZodIssues, isDatabaseUnavailableError, type LoggerService, type LogMeta } from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';
import type {
  HumanTaskRequest,
  HumanTaskResolution,
  JsonObject,
  JsonValue,
  SerializedTaskEvent,
  TaskEventType,
  TaskStatus,
  TemplateStep,
} from '@portico/plugin-scaffolder-common';
import type { ActionContext } from '../extensions';
import type { PendingEvent, StepRow, TaskRow, TaskStore, WorkspaceSnapshot } from '../database/TaskStore';
import type { ActionRegistry } from './ActionRegistry';
import { durationToMs } from './duration';
import { redactSecrets, redactValue } from './SecretsVault';
import type { SandboxedTemplater } from './sandbox/SandboxedTemplater';
import { packWorkspace, unpackWorkspace } from './WorkspaceArchive';

/** Thrown inside a handler to pause the run until a person answers. */
class TaskSuspended extends Error {
  name = 'TaskSuspended';
}

/** The abort reason when another worker took the task over: this worker stops without writing. */
export class LostClaimError extends Error {
  name = 'LostClaimError';
}

/** Thrown when the run was cancelled. */
class TaskCancelled extends Error {
  name = 'TaskCancelled';
}

const now = () => new Date().toISOString();

/** A write of a run waits this long after the database was found unavailable, doubling up to the most. */
const STORE_RETRY_FIRST_MS = 250;
const STORE_RETRY_MOST_MS = 5000;

/** Runs one write of a run (its events, a step, a checkpoint, its end); `what` names it in logs. */
type StoreWrite = <T>(what: string, write: () => Promise<T>) => Promise<T>;

/**
 * Collects run events in memory and writes them in batches: with the next step change (same
 * transaction), or every 200 ms while a handler runs so the live log stays live.
 */
class EventLog {
  private pending: PendingEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  constructor(
    private readonly store: TaskStore,
    private readonly taskId: string,
    private readonly secrets: Record<string, string>,
    private readonly onError: (e: unknown) => void,
    private readonly stored: StoreWrite,
  ) {}

  append(type: TaskEventType, body: SerializedTaskEvent['body']) {
    this.pending.push({ type, body: redactValue(body, this.secrets), createdAt: now() });
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush().catch(() => undefined); // a lost claim: the run's next flush says so
      }, 200);
      this.timer.unref();
    }
  }

  /** Hands over the events not yet written (to be written with a step change). */
  take(): PendingEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }

  flush(): Promise<void> {
    const batch = this.take();
    if (batch.length > 0) {
      this.chain = this.chain
        .then(() => this.stored('writing its log', () => this.store.appendEvents(this.taskId, batch)))
        .catch(error => {
          // another worker holds the run now: the run stops at its next step change, writing nothing more
          if (error instanceof LostClaimError) throw error;
          this.onError(error);
        });
    }
    return this.chain;
  }

  close() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A LoggerService whose lines go to the run log. */
  logger(stepId?: string, meta: LogMeta = {}): LoggerService {
    const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, extra?: LogMeta | Error) => {
      let text = message;
      if (extra instanceof Error) text += `: ${extra.message}`;
      else if (extra && Object.keys(extra).length) text += ` ${JSON.stringify(extra)}`;
      if (Object.keys(meta).length) text += ` ${JSON.stringify(meta)}`;
      this.append('log', { message: redactSecrets(text, this.secrets), stepId, level });
    };
    return {
      error: write('error'),
      warn: write('warn'),
      info: write('info'),
      debug: write('debug'),
      child: (more: LogMeta) => this.logger(stepId, { ...meta, ...more }),
    };
  }
}

export interface TaskRunnerOptions {
  store: TaskStore;
  registry: ActionRegistry;
  /** Renders `${{ }}` in the sandbox (see SandboxedTemplater). */
  templater: SandboxedTemplater;
  logger: LoggerService;
  /** Each run works in `<workingDirectory>/<taskId>`. */
  workingDirectory: string;
  /** Applies to steps without their own `timeout`. */
  defaultStepTimeoutMs?: number;
  /**
   * `database`: the workspace is packed into the database after each completed step that used it and unpacked
   * when a run starts or resumes, so any instance can resume it; `directory` (default): `workingDirectory` is
   * the workspace's only home (shared by the instances, or one instance only).
   */
  workspace?: { store: 'database' | 'directory'; maxBytes: number };
}

export interface RunOptions {
  workerId: string;
  secrets: Record<string, string>;
  /** Aborted when the run is cancelled. */
  signal: AbortSignal;
  /** Keep the workspace after the run (dry runs read it back). */
  keepWorkspace?: boolean;
}

/** Executes one claimed task step by step, resuming after the last completed step. */
export class TaskRunner {
  constructor(private readonly options: TaskRunnerOptions) {}

  workspaceOf(taskId: string): string {
    return path.join(this.options.workingDirectory, taskId);
  }

  async run(task: TaskRow, run: RunOptions): Promise<TaskStatus | undefined> {
    const { store, registry, templater } = this.options;
    const { secrets, signal } = run;
    const stored: StoreWrite = (what, write) => this.untilStored(task.id, run, what, write);
    const events = new EventLog(store, task.id, secrets, e => this.options.logger.error(`Could not write an event of task ${task.id}`, e as Error), stored);
    const workspacePath = this.workspaceOf(task.id);

    const stepRows = new Map((await stored('reading its steps', () => store.getSteps(task.id))).map(r => [r.stepId, r]));
    const context: Record<string, unknown> = {
      parameters: task.spec.parameters,
      steps: {} as Record<string, { output: JsonObject }>,
      user: task.spec.user,
      secrets,
    };
    const stepOutputs = context.steps as Record<string, { output: JsonObject }>;
    if (stepRows.size > 0) events.append('log', { message: `Resuming run after ${[...stepRows.values()].filter(r => r.status === 'completed').length} completed step(s)` });
    const inDatabase = this.options.workspace?.store === 'database' && !task.dryRun;

    let current: StepRow | undefined;
    try {
      // What the last completed step left, whichever instance ran it.
      if (inDatabase) await this.restoreWorkspace(task.id, workspacePath, stored);
      for (const [position, step] of task.spec.steps.entries()) {
        const saved = stepRows.get(step.id);
        if (saved?.status === 'completed') {
          stepOutputs[step.id] = { output: saved.output ?? {} };
          continue;
        }
        if (saved?.status === 'skipped') continue;
        if (signal.aborted) throw new TaskCancelled('The run was cancelled');

        current = { stepId: step.id, position, action: step.action, status: 'processing', startedAt: saved?.startedAt ?? now() };
        if (step.if !== undefined && !(await this.renderCondition(step, context, signal))) {
          await this.saveStep(task.id, { ...current, status: 'skipped', endedAt: now() }, events, stored, `Skipping step ${step.id} because its if condition is false`);
          continue;
        }
        const action = registry.get(step.action);
        if (task.dryRun && !action.supportsDryRun) {
          await this.saveStep(task.id, { ...current, status: 'skipped', endedAt: now() }, events, stored, `Skipping step ${step.id} (${step.action}): the action does not support dry run`);
          continue;
        }
        await this.saveStep(task.id, current, events, stored, `Beginning step ${step.name ?? step.id}`);

        const output: JsonObject = {};
        let usedWorkspace = false;
        const iterations = await this.iterationsOf(step, context, signal);
        for (const [index, each] of iterations.entries()) {
          const iterContext = each ? { ...context, each } : context;
          const rawInput = await templater.renderValue(step.input ?? {}, iterContext, { label: `Templating the input of step '${step.id}'`, signal });
          let input: unknown = rawInput;
          if (action.schema?.input) {
            const parsed = action.schema.input.safeParse(rawInput);
            if (!parsed.success) {
              throw new InputError(`Invalid input passed to action ${action.id}, ${formatZodIssues('input', parsed.error)}`);
            }
            input = parsed.data;
          }
          const stepKey = each ? `${step.id}[${index}]` : step.id;
          if (await this.runHandler(task, step, stepKey, input, output, Boolean(each), { workspacePath, secrets, signal, events, stored })) usedWorkspace = true;
        }
        const snapshot = inDatabase && usedWorkspace ? await this.snapshotWorkspace(task.id, step.id, workspacePath) : undefined;
        current = { ...current, status: 'completed', endedAt: now(), output: redactValue(output, secrets) };
        stepOutputs[step.id] = { output };
        await this.saveStep(task.id, current, events, stored, `Finished step ${step.name ?? step.id}`, 'info', snapshot);
        current = undefined;
      }

      const rendered = await templater.renderValue(task.spec.output ?? {}, context, { label: 'Templating the output of the run', signal });
      const output = redactValue((rendered ?? {}) as JsonObject, secrets);
      events.append('completion', { message: 'Run completed with status: completed', status: 'completed', output });
      await events.flush();
      await stored('ending it', () => store.finishTask(task.id, run.workerId, 'completed', { output }));
      if (inDatabase) await stored('deleting its workspace', () => store.deleteWorkspace(task.id)); // kept after a failure, for a retry
      await this.cleanup(task, run);
      return 'completed';
    } catch (error) {
      if (signal.reason instanceof LostClaimError || error instanceof LostClaimError) {
        this.options.logger.info(`Task ${task.id} stopped here: ${((signal.reason instanceof LostClaimError ? signal.reason : error) as Error).message}`);
        return undefined;
      }
      if (error instanceof TaskSuspended && current) {
        await this.saveStep(task.id, { ...current, status: 'waiting' }, events, stored, `Step ${current.stepId} is waiting for a person`);
        events.append('waiting', { message: `Run is waiting at step ${current.stepId}`, stepId: current.stepId, status: 'waiting' });
        await events.flush();
        await stored('pausing it', () => store.finishTask(task.id, run.workerId, 'waiting'));
        return 'waiting';
      }
      const cancelled = error instanceof TaskCancelled || (signal.aborted && !(error instanceof StepTimeoutError));
      const message = redactSecrets(error instanceof Error ? error.message : String(error), secrets);
      if (current) {
        await this.saveStep(task.id, { ...current, status: cancelled ? 'cancelled' : 'failed', endedAt: now(), error: message }, events, stored,
          cancelled ? `Step ${current.stepId} was cancelled` : `Step ${current.stepId} failed: ${message}`, cancelled ? 'warn' : 'error');
      }
      if (cancelled) {
        events.append('cancelled', { message: 'Run was cancelled', status: 'cancelled' });
        events.append('completion', { message: 'Run completed with status: cancelled', status: 'cancelled' });
      } else {
        events.append('completion', {
          message: `Run completed with status: failed`,
          status: 'failed',
          error: { name: error instanceof Error ? error.name : 'Error', message },
        });
      }
      await events.flush();
      const status = cancelled ? 'cancelled' : 'failed';
      await stored('ending it', () => store.finishTask(task.id, run.workerId, status, { error: cancelled ? 'The run was cancelled' : message }));
      await this.cleanup(task, run);
      return status;
    } finally {
      events.close();
    }
  }

  private async cleanup(task: TaskRow, run: RunOptions) {
    if (run.keepWorkspace) return;
    const dir = this.workspaceOf(task.id);
    if (await fs.stat(dir).then(() => true, () => false)) await fs.rm(dir, { recursive: true, force: true });
  }

  private async saveStep(
    taskId: string,
    step: StepRow,
    events: EventLog,
    stored: StoreWrite,
    message: string,
    level: 'info' | 'warn' | 'error' = 'info',
    workspace?: WorkspaceSnapshot,
  ) {
    await events.flush(); // earlier batches first, so events stay in order
    // then the step's own event, in the step's transaction: appended before that flush, it was written apart from
    // the step, and a step whose save failed already had its 'Finished' event (twice once it was run again)
    events.append('step', { message, stepId: step.stepId, status: step.status, level });
    const pending = events.take();
    await stored(`saving step '${step.stepId}'`, () => this.options.store.saveStepWithEvents(taskId, step, pending, workspace));
  }

  /**
   * Runs a write (or read) of a run; while the database is unavailable (a failover, a restart of PostgreSQL) it
   * is tried again after a growing pause until it goes through, so that what a step did is recorded rather than
   * done again. Before each new try the run must still be this worker's: when the outage outlasted `staleAfter`
   * and another worker took it over, this one stops here (LostClaimError) without writing.
   */
  private async untilStored<T>(taskId: string, run: RunOptions, what: string, write: () => Promise<T>): Promise<T> {
    let delayMs = 0;
    for (;;) {
      try {
        if (delayMs > 0 && !(await this.options.store.heartbeat(taskId, run.workerId)).owned) {
          throw new LostClaimError(`Task ${taskId} was taken over by another worker while the database was unavailable`);
        }
        const result = await write();
        if (delayMs > 0) this.options.logger.info(`Task ${taskId}: the database is back; ${what} went through`);
        return result;
      } catch (error) {
        if (!isDatabaseUnavailableError(error)) throw error;
        if (run.signal.reason instanceof LostClaimError) throw run.signal.reason;
        if (delayMs === 0) this.options.logger.warn(`Task ${taskId}: the database is unavailable while ${what}; trying again until it is back`, error as Error);
        delayMs = Math.min(Math.max(delayMs * 2, STORE_RETRY_FIRST_MS), STORE_RETRY_MOST_MS);
        await new Promise(resolve => setTimeout(resolve, delayMs));
      }
    }
  }

  /**
   * Replaces `dir` with the stored workspace (what an interrupted step left here goes). With none stored, `dir`
   * stays as it is: no completed step wrote one, or the run began before workspaces were kept in the database.
   */
  private async restoreWorkspace(taskId: string, dir: string, stored: StoreWrite) {
    const workspace = await stored('reading its workspace', () => this.options.store.getWorkspace(taskId));
    if (workspace) await unpackWorkspace(workspace.archive, dir);
  }

  private async snapshotWorkspace(taskId: string, stepId: string, dir: string): Promise<WorkspaceSnapshot | undefined> {
    if (!(await fs.stat(dir).then(() => true, () => false))) return undefined;
    const archive = await packWorkspace(dir, { maxBytes: this.options.workspace!.maxBytes, what: `The workspace of run ${taskId} after step '${stepId}'` });
    return { archive, stepId };
  }

  private async renderCondition(step: TemplateStep, context: Record<string, unknown>, signal: AbortSignal): Promise<boolean> {
    const value = typeof step.if === 'string' ? await this.options.templater.renderValue(step.if, context, { label: `Templating the if of step '${step.id}'`, signal }) : step.if;
    return Boolean(value) && value !== 'false';
  }

  private async iterationsOf(step: TemplateStep, context: Record<string, unknown>, signal: AbortSignal): Promise<Array<{ key: string | number; value: unknown } | undefined>> {
    if (step.each === undefined) return [undefined];
    const items = await this.options.templater.renderValue(step.each, context, { label: `Templating the each of step '${step.id}'`, signal });
    if (Array.isArray(items)) return items.map((value, key) => ({ key, value }));
    if (items && typeof items === 'object') return Object.entries(items).map(([key, value]) => ({ key, value }));
    throw new InputError(`The 'each' of step ${step.id} must be a list or an object`);
  }

  private async runHandler(
    task: TaskRow,
    step: TemplateStep,
    stepKey: string,
    input: unknown,
    output: JsonObject,
    isEach: boolean,
    env: { workspacePath: string; secrets: Record<string, string>; signal: AbortSignal; events: EventLog; stored: StoreWrite },
  ): Promise<boolean> {
    const { store, registry } = this.options;
    const action = registry.get(step.action);
    const timeoutMs = step.timeout !== undefined ? durationToMs(step.timeout) : this.options.defaultStepTimeoutMs;
    const timeout = new AbortController();
    const timer = timeoutMs ? setTimeout(() => timeout.abort(new StepTimeoutError(`Step ${step.id} timed out after ${timeoutMs} ms`)), timeoutMs) : undefined;
    const signal = AbortSignal.any([env.signal, timeout.signal]);
    let waitCount = 0;
    let workspaceReady = false;

    const ctx: ActionContext<unknown> = {
      input,
      logger: env.events.logger(step.id),
      // Created on first use: most workflow steps (http, approvals, data) never touch the disk.
      get workspacePath() {
        if (!workspaceReady) mkdirSync(env.workspacePath, { recursive: true });
        workspaceReady = true;
        return env.workspacePath;
      },
      signal,
      isDryRun: task.dryRun,
      user: { ref: task.spec.user?.ref },
      secrets: env.secrets,
      taskId: task.id,
      stepId: step.id,
      templateInfo: task.spec.templateInfo ? { entityRef: task.spec.templateInfo.entityRef, baseUrl: task.spec.templateInfo.baseUrl } : undefined,
      output(name: string, value: JsonValue) {
        if (isEach) {
          const list = (Array.isArray(output[name]) ? output[name] : []) as JsonValue[];
          list.push(value);
          output[name] = list;
        } else {
          output[name] = value;
        }
      },
      async checkpoint<T extends JsonValue | void>(key: string, fn: () => Promise<T>): Promise<T> {
        const fullKey = `${stepKey}:${key}`;
        const existing = await env.stored(`reading checkpoint '${fullKey}'`, () => store.getCheckpoint(task.id, fullKey));
        if (existing) return existing.value as T;
        const value = await fn();
        await env.stored(`saving checkpoint '${fullKey}'`, () => store.saveCheckpoint(task.id, fullKey, value === undefined ? null : redactValue(value, env.secrets)));
        return value;
      },
      waitForHuman: async (request: HumanTaskRequest): Promise<HumanTaskResolution> => {
        const waitKey = `${stepKey}:wait:${waitCount++}`;
        const existing = await env.stored('reading its wait', () => store.getWait(task.id, waitKey));
        if (existing?.resolution) return existing.resolution;
        if (task.dryRun) {
          env.events.append('log', { message: `Dry run: assuming the ${request.kind} request '${request.title}' was answered`, stepId: step.id });
          return { decision: request.kind === 'approval' ? 'approved' : 'submitted', by: 'dry-run', at: now(), values: {} };
        }
        const expiresAt = existing?.expiresAt ?? request.expiresAt;
        if (existing?.status === 'expired' || (existing && expiresAt && expiresAt < now())) {
          if (existing.status !== 'expired') await env.stored('expiring its wait', () => store.setWaitStatus(task.id, waitKey, 'expired'));
          throw new Error(`The ${request.kind} request '${request.title}' expired at ${expiresAt} without an answer`);
        }
        if (!existing) {
          await env.stored('saving its wait', () => store.createWait({ taskId: task.id, waitKey, stepId: step.id, kind: request.kind, request, expiresAt: request.expiresAt }));
          env.events.append('log', { message: `Waiting for ${request.assignees.join(', ')}: ${request.title}`, stepId: step.id });
        }
        throw new TaskSuspended(waitKey);
      },
    };

    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new TaskCancelled('The run was cancelled'));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        action.handler(ctx).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    } catch (error) {
      if (timeout.signal.aborted && !env.signal.aborted) throw timeout.signal.reason as Error;
      if (env.signal.aborted && !(error instanceof TaskSuspended)) throw new TaskCancelled('The run was cancelled');
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
    }
    return workspaceReady;
  }
}

/** A step ran longer than its timeout. */
export class StepTimeoutError extends Error {
  name = 'StepTimeoutError';
}
