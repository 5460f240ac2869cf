import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { LoggerService } from '@portico/backend-plugin-api';
import type { TaskStatus } from '@portico/plugin-scaffolder-common';
import type { TaskRow, TaskStore } from '../database/TaskStore';
import type { ActionRegistry } from './ActionRegistry';
import type { SecretsVault } from './SecretsVault';
import { LostClaimError, type TaskRunner } from './TaskRunner';

/** A run abandoned by a crashed or hung worker this often is failed instead of handed back again. */
export const QUARANTINE_AFTER_LOST_CLAIMS = 2;

export interface TaskWorkerOptions {
  store: TaskStore;
  runner: TaskRunner;
  vault: SecretsVault;
  registry: ActionRegistry;
  logger: LoggerService;
  /** How many runs this instance executes at once. Default 100: steps mostly wait on I/O, and paused runs hold no slot. */
  concurrency?: number;
  /** How often to look for open runs. Default 500 ms (a run is claimed well within 1 s). */
  pollIntervalMs?: number;
  /** How often a running task's heartbeat is written (and cancels are noticed). Default 1000 ms. */
  heartbeatIntervalMs?: number;
  /** On shutdown, how long running steps may take to finish before their runs are handed back. Default 5 s. */
  shutdownGraceMs?: number;
  /** A processing task without a heartbeat for this long is considered abandoned. Default 30 s. */
  staleAfterMs?: number;
}

/**
 * Claims open runs and executes them; keeps their heartbeats; hands runs abandoned by a dead worker
 * back to the queue (or fails them when the interrupted step cannot be resumed safely).
 */
export class TaskWorker {
  readonly workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly running = new Map<string, Promise<TaskStatus | undefined>>();
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private polling?: Promise<void>;
  private pollAgain = false;
  private lastMaintenance = 0;
  private readonly controllers = new Map<string, AbortController>();
  private heartbeatTimer?: NodeJS.Timeout;

  constructor(private readonly options: TaskWorkerOptions) {}

  private get concurrency() {
    return this.options.concurrency ?? 100;
  }

  async start() {
    this.stopped = false;
    await this.maintenance();
    this.schedule();
    this.wake();
  }

  /** Stops claiming; waits a little for runs in progress (a run left behind is recovered later). */
  /**
   * Stops claiming and gives running steps `graceMs` to finish. Runs still going then are aborted and
   * handed back to the queue at once (another instance, or this one after a restart, resumes them from
   * the interrupted step), or failed when that step cannot be resumed safely.
   */
  async stop(graceMs = this.options.shutdownGraceMs ?? 5000) {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.race([Promise.allSettled([...this.running.values()]), new Promise(r => setTimeout(r, graceMs).unref())]);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
    await this.polling;
    if (this.running.size === 0) return;
    for (const controller of this.controllers.values()) controller.abort(new LostClaimError('The instance is shutting down'));
    await Promise.allSettled([...this.running.values()]);
    const inFuture = new Date(Date.now() + 86_400_000).toISOString();
    for (const task of await this.options.store.findClaimedBy(this.workerId)) {
      await this.recover(task, inFuture, 'The instance running this task shut down', { lostClaim: false });
    }
  }

  /** Looks for work now (after a run was created on this instance). */
  wake() {
    if (this.stopped) return;
    if (this.polling) {
      this.pollAgain = true;
      return;
    }
    this.polling = this.poll().finally(() => {
      this.polling = undefined;
      if (this.pollAgain) {
        this.pollAgain = false;
        this.wake();
      }
    });
  }

  /** Runs a task this instance already holds (dry runs), and waits for the result. */
  async execute(task: TaskRow, options: { keepWorkspace?: boolean } = {}): Promise<TaskStatus | undefined> {
    const promise = this.runTask(task, options);
    this.running.set(task.id, promise);
    try {
      return await promise;
    } finally {
      this.running.delete(task.id);
    }
  }

  private schedule() {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedule();
    }, this.options.pollIntervalMs ?? 500);
    this.timer.unref();
  }

  private async poll() {
    try {
      if (Date.now() - this.lastMaintenance > Math.min(5000, (this.options.staleAfterMs ?? 30000) / 2)) await this.maintenance();
      while (!this.stopped && this.running.size < this.concurrency) {
        const tasks = await this.options.store.claimTasks(this.workerId, this.concurrency - this.running.size);
        for (const task of tasks) {
          const promise = this.runTask(task).finally(() => {
            this.running.delete(task.id);
            this.wake();
          });
          this.running.set(task.id, promise);
        }
        if (tasks.length === 0) break;
      }
    } catch (error) {
      if (!this.stopped) this.options.logger.error('Scaffolder worker could not claim a task', error as Error);
    }
  }

  private async runTask(task: TaskRow, options: { keepWorkspace?: boolean } = {}): Promise<TaskStatus | undefined> {
    const { runner, vault, logger } = this.options;
    const controller = new AbortController();
    this.controllers.set(task.id, controller);
    this.ensureHeartbeat();
    try {
      if (task.cancelRequested) controller.abort();
      const secrets = vault.open(task.id, task.secretsEncrypted);
      const status = await runner.run(task, { workerId: this.workerId, secrets, signal: controller.signal, keepWorkspace: options.keepWorkspace });
      if (status && status !== 'waiting') vault.forget(task.id);
      return status;
    } catch (error) {
      logger.error(`Task ${task.id} could not be executed`, error as Error);
      return undefined;
    } finally {
      this.controllers.delete(task.id);
    }
  }

  /**
   * One heartbeat for every run this worker holds: a single UPDATE per interval, then the runs to
   * cancel (flagged) or to drop (taken over by another worker after a stall) are aborted.
   */
  private ensureHeartbeat() {
    if (this.heartbeatTimer) return;
    const { store, logger } = this.options;
    this.heartbeatTimer = setInterval(() => {
      if (this.controllers.size === 0) {
        clearInterval(this.heartbeatTimer);
        this.heartbeatTimer = undefined;
        return;
      }
      const ids = [...this.controllers.keys()];
      store
        .heartbeatAll(this.workerId, ids)
        .then(({ lost, cancelRequested }) => {
          for (const id of lost) this.controllers.get(id)?.abort(new LostClaimError(`Task ${id} is no longer claimed by ${this.workerId}`));
          for (const id of cancelRequested) this.controllers.get(id)?.abort();
        })
        .catch(e => logger.warn('Scaffolder heartbeat failed', e as Error));
    }, this.options.heartbeatIntervalMs ?? 1000);
    this.heartbeatTimer.unref();
  }

  /** Requeues expired waits and abandoned runs. Safe to run on every instance at once. */
  async maintenance() {
    this.lastMaintenance = Date.now();
    const { store } = this.options;
    await store.reopenExpiredWaits(new Date().toISOString());
    const staleBefore = new Date(Date.now() - (this.options.staleAfterMs ?? 30000)).toISOString();
    for (const task of await store.findStaleTasks(staleBefore)) {
      // Not abandoned: this worker still runs it, its heartbeats failed while the database was away.
      if (task.claimedBy === this.workerId && this.running.has(task.id)) continue;
      await this.recover(task, staleBefore, 'The worker running this task stopped', { lostClaim: true });
    }
  }

  /**
   * Reopens an interrupted run, or fails it: a dry run (never resumed: its caller is gone), a run
   * abandoned by crashed or hung workers twice (quarantined, so it cannot take instances down for
   * ever), or one whose interrupted step is not resumable. `lostClaim`: its worker crashed or hung.
   */
  private async recover(task: TaskRow, heartbeatBefore: string, why: string, options: { lostClaim: boolean }) {
    const { store, registry, logger } = this.options;
    const steps = await store.getSteps(task.id);
    const interrupted = steps.find(s => s.status === 'processing');
    const during = interrupted ? ` during step '${interrupted.stepId}' (${interrupted.action})` : '';
    const fail = async (error: string) => {
      if (!(await store.failStale(task.id, heartbeatBefore, error, { lostClaim: options.lostClaim }))) return;
      if (interrupted) await store.saveStep(task.id, { ...interrupted, status: 'failed', endedAt: new Date().toISOString(), error });
      await store.appendEvent(task.id, 'completion', { message: 'Run completed with status: failed', status: 'failed', error: { name: 'Error', message: error } });
      logger.warn(`Failed interrupted scaffolder task ${task.id}: ${error}`);
    };
    if (task.dryRun) {
      return fail(`The dry run was interrupted${during} (${why}); dry runs are never resumed, start a new one`);
    }
    if (options.lostClaim && task.lostClaims + 1 >= QUARANTINE_AFTER_LOST_CLAIMS) {
      return fail(
        `quarantined: the run was abandoned ${task.lostClaims + 1} times by a worker that crashed or hung${during} (${why}); ` +
          'it is not handed back again, fix the template or action and retry the run',
      );
    }
    const action = interrupted && registry.has(interrupted.action) ? registry.get(interrupted.action) : undefined;
    if (interrupted && action?.resumable === false) {
      return fail(`The run was interrupted during step '${interrupted.stepId}' (${interrupted.action}), which cannot be resumed safely; retry the run to execute it again`);
    }
    if (await store.reopenStale(task.id, heartbeatBefore, { lostClaim: options.lostClaim })) {
      const where = interrupted ? `step '${interrupted.stepId}'` : 'the next step';
      await store.appendEvent(task.id, 'recovered', { message: `${why}; resuming from ${where}`, status: 'open' });
      logger.info(`Handed interrupted scaffolder task ${task.id} back to the queue`);
    }
  }
}
