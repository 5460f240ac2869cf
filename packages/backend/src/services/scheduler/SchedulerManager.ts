import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { ConflictError, InputError, NotFoundError } from '@portico/errors';
import type {
  ConfigService,
  LoggerService,
  ScheduledTaskInfo,
  SchedulerService,
  TaskDefinition,
} from '@portico/backend-plugin-api';
import { DatabaseManager } from '../database/DatabaseManager';
import { recordTaskRun, type TaskRunOutcome } from '../../http/hostMetrics';
import { TaskStore } from './TaskStore';
import { NEVER, firstRunAt, nextRunAfter, parseDuration, validateFrequency } from './frequency';

/** The reserved database name of the scheduler (not a valid plugin id, so it cannot collide). */
export const SCHEDULER_DATABASE_NAME = 'core_scheduler';

export interface SchedulerManagerOptions {
  config: ConfigService;
  logger?: LoggerService;
  /** How often global tasks poll their lease row. Default `backend.scheduler.pollInterval` or 1000 ms. */
  pollIntervalMs?: number;
  /** Names this instance in lease rows. Default host-pid-random. */
  instanceId?: string;
  /** Where relative `backend.dataDir` paths resolve. */
  cwd?: string;
}

interface RunningTask {
  promise: Promise<void>;
  controller: AbortController;
}

interface Task {
  key: string;
  pluginId: string;
  def: TaskDefinition;
  scope: 'global' | 'local';
  timeoutMs: number;
  logger?: LoggerService;
  running?: RunningTask;
  /** Local tasks: when next due. */
  nextRunAt: number;
  lastRunAt?: number;
  lastRunError?: string;
}

/** Root context of the scheduler: every plugin's tasks, their loops and the shared lease store. */
export class SchedulerManager {
  readonly instanceId: string;
  private readonly tasks = new Map<string, Task>();
  private readonly stopController = new AbortController();
  /**
   * The loops waiting for their next run, woken by shutdown. Not listeners on the stop signal: the default portal
   * with its integrations has more loops than the 10 listeners after which Node warns of a leak.
   */
  private readonly sleepers = new Set<() => void>();
  private readonly loops = new Set<Promise<void>>();
  private readonly pollIntervalMs: number;
  private database?: DatabaseManager;
  private store?: Promise<TaskStore>;

  constructor(private readonly options: SchedulerManagerOptions) {
    this.instanceId = options.instanceId ?? `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.pollIntervalMs =
      options.pollIntervalMs ?? options.config.getOptionalNumber('backend.scheduler.pollInterval') ?? 1000;
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  /** The lease store, created on the first global task. */
  private getStore(): Promise<TaskStore> {
    if (!this.store) {
      // Lease queries are short and serial per task: a small pool is plenty.
      this.database = DatabaseManager.fromConfig(this.options.config, { cwd: this.options.cwd, pool: { min: 0, max: 2 } });
      const database = this.database;
      this.store = database
        .getClient(SCHEDULER_DATABASE_NAME)
        .then(knex =>
          TaskStore.create(knex, database.engine === 'pg' ? database.schemaName(SCHEDULER_DATABASE_NAME) : undefined),
        );
      this.store.catch(() => {
        this.store = undefined;
      });
    }
    return this.store;
  }

  /** The SchedulerService of one plugin. */
  forPlugin(pluginId: string, logger?: LoggerService): SchedulerService {
    const key = (id: string) => `${pluginId}/${id}`;
    return {
      scheduleTask: task => this.scheduleTask(pluginId, task, logger),
      triggerTask: id => this.triggerTask(key(id), pluginId, id),
      getScheduledTasks: async () => {
        const infos: ScheduledTaskInfo[] = [];
        for (const task of this.tasks.values()) {
          if (task.pluginId === pluginId) infos.push(await this.describe(task));
        }
        return infos;
      },
    };
  }

  private async scheduleTask(pluginId: string, def: TaskDefinition, logger?: LoggerService): Promise<void> {
    if (this.stopped) throw new Error(`The scheduler has stopped; cannot schedule '${def?.id}'`);
    if (!def || typeof def.id !== 'string' || def.id.length === 0) throw new InputError('scheduleTask needs a task id');
    if (typeof def.fn !== 'function') throw new InputError(`Task '${def.id}' needs a fn`);
    const key = `${pluginId}/${def.id}`;
    if (this.tasks.has(key)) throw new ConflictError(`Task '${def.id}' of plugin '${pluginId}' is already scheduled`);
    validateFrequency(def.frequency, def.id);
    const timeoutMs = parseDuration(def.timeout, `timeout for task '${def.id}'`);
    const initialDelayMs =
      def.initialDelay === undefined ? undefined : parseDuration(def.initialDelay, `initialDelay for task '${def.id}'`, true);
    const scope = def.scope ?? 'global';
    if (scope !== 'global' && scope !== 'local') throw new InputError(`Invalid scope '${String(scope)}' for task '${def.id}'`);

    const now = Date.now();
    const task: Task = {
      key,
      pluginId,
      def,
      scope,
      timeoutMs,
      logger: logger?.child({ task: def.id }),
      nextRunAt: firstRunAt(def.frequency, now, initialDelayMs),
    };
    if (scope === 'global') {
      const store = await this.getStore();
      const settings = JSON.stringify({ frequency: def.frequency, timeout: def.timeout, initialDelay: def.initialDelay });
      await store.register(key, settings, task.nextRunAt);
    }
    this.tasks.set(key, task);
    if ('trigger' in def.frequency) return;
    this.startLoop(scope === 'global' ? () => this.globalLoop(task) : () => this.localLoop(task));
  }

  private startLoop(loop: () => Promise<void>): void {
    const promise = loop().finally(() => this.loops.delete(promise));
    this.loops.add(promise);
  }

  /** Sleeps until `ms` pass or the scheduler stops. */
  private sleep(ms: number): Promise<void> {
    return new Promise(resolve => {
      if (this.stopped) return resolve();
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.max(0, Math.min(ms, 2_147_000_000)));
      timer.unref?.();
      this.sleepers.add(wake);
    });
  }

  private async localLoop(task: Task): Promise<void> {
    while (!this.stopped) {
      await this.sleep(task.nextRunAt - Date.now());
      if (this.stopped) return;
      if (task.running) {
        await task.running.promise;
        continue;
      }
      if (Date.now() < task.nextRunAt) continue;
      const startedAt = Date.now();
      await this.run(task);
      task.nextRunAt = nextRunAfter(task.def.frequency, startedAt);
    }
  }

  private async globalLoop(task: Task): Promise<void> {
    while (!this.stopped) {
      try {
        const store = await this.getStore();
        const now = Date.now();
        if (!task.running && (await store.tryClaim(task.key, this.instanceId, now, now + task.timeoutMs + 1000))) {
          if (this.stopped) return; // shutdown() frees the lease
          await this.runLeased(store, task, now);
        }
      } catch (error) {
        if (this.stopped) return;
        task.logger?.warn(`Scheduler could not check task '${task.def.id}'`, { error: error as Error });
      }
      await this.sleep(this.pollIntervalMs);
    }
  }

  private async runLeased(store: TaskStore, task: Task, startedAt: number): Promise<void> {
    await this.run(task);
    if (this.stopped && task.lastRunError === 'aborted') return;
    await store.release(task.key, this.instanceId, {
      nextRunAt: nextRunAfter(task.def.frequency, startedAt),
      lastRunAt: startedAt,
      error: task.lastRunError,
    });
  }

  /** Runs the task's fn once with its timeout; never throws. */
  private run(task: Task): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error(`Task '${task.def.id}' timed out after ${task.def.timeout}`)), task.timeoutMs);
    timer.unref?.();
    const startedAt = Date.now();
    const promise = (async () => {
      let outcome: TaskRunOutcome = 'succeeded';
      try {
        await task.def.fn(controller.signal);
        task.lastRunError = undefined;
      } catch (error) {
        outcome = !controller.signal.aborted ? 'failed' : this.stopped ? 'aborted' : 'timed_out';
        task.lastRunError = controller.signal.aborted && this.stopped ? 'aborted' : (error as Error)?.message ?? String(error);
        task.logger?.error(`Task '${task.def.id}' failed`, error instanceof Error ? error : { error: String(error) });
      } finally {
        clearTimeout(timer);
        recordTaskRun(task.pluginId, task.def.id, outcome, (Date.now() - startedAt) / 1000);
        task.lastRunAt = startedAt;
        task.running = undefined;
      }
    })();
    task.running = { promise, controller };
    return promise;
  }

  private async triggerTask(key: string, pluginId: string, id: string): Promise<void> {
    const task = this.tasks.get(key);
    if (!task) throw new NotFoundError(`No task '${id}' is scheduled by plugin '${pluginId}'`);
    if (task.running) throw new ConflictError(`Task '${id}' of plugin '${pluginId}' is already running`);
    if (this.stopped) throw new Error('The scheduler has stopped');
    if (task.scope === 'local') {
      await this.run(task);
      return;
    }
    const store = await this.getStore();
    const now = Date.now();
    if (!(await store.tryClaim(key, this.instanceId, now, now + task.timeoutMs + 1000, true))) {
      throw new ConflictError(`Task '${id}' of plugin '${pluginId}' is already running on another instance`);
    }
    await this.runLeased(store, task, now);
  }

  private async describe(task: Task): Promise<ScheduledTaskInfo> {
    let nextRunAt: number | undefined = task.nextRunAt;
    let lastRunAt = task.lastRunAt;
    let lastRunError = task.lastRunError;
    if (task.scope === 'global') {
      const row = await (await this.getStore()).get(task.key);
      if (row) {
        nextRunAt = row.next_run_at;
        lastRunAt = row.last_run_at ?? undefined;
        lastRunError = row.last_run_error ?? undefined;
      }
    }
    return {
      id: task.def.id,
      scope: task.scope,
      frequency: task.def.frequency,
      ...(lastRunAt !== undefined ? { lastRunAt: new Date(lastRunAt).toISOString() } : {}),
      ...(lastRunError !== undefined ? { lastRunError } : {}),
      ...(nextRunAt !== undefined && nextRunAt !== NEVER ? { nextRunAt: new Date(nextRunAt).toISOString() } : {}),
    };
  }

  /**
   * Stops every loop, aborts running tasks and waits for them (up to `timeoutMs`), frees this
   * instance's leases and closes the scheduler's database. Called by the host on shutdown.
   */
  async shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopController.abort();
    for (const wake of [...this.sleepers]) wake();
    const running = [...this.tasks.values()].flatMap(t => (t.running ? [t.running] : []));
    for (const r of running) r.controller.abort(new Error('The backend is shutting down'));
    const wait = Promise.all([...running.map(r => r.promise), ...this.loops]);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([wait, new Promise(resolve => (timer = setTimeout(resolve, options.timeoutMs ?? 5000)))]);
    clearTimeout(timer);
    if (this.store) {
      try {
        await (await this.store).abandon(this.instanceId);
      } catch {
        /* the database may already be gone */
      }
    }
    await this.database?.shutdown();
  }
}
