/** How often a task runs: a cron expression, or an ISO-8601 duration such as `PT5M`. */
export type TaskFrequency = { cron: string } | { duration: string } | { trigger: 'manual' };

export interface TaskDefinition {
  /** Unique within the plugin. */
  id: string;
  frequency: TaskFrequency;
  /** ISO-8601 duration after which the run is aborted. */
  timeout: string;
  /** ISO-8601 duration to wait before the first run. Default: none. */
  initialDelay?: string;
  /** `global`: one instance of a cluster at a time (a lease row); `local`: every instance. Default global. */
  scope?: 'global' | 'local';
  fn(signal: AbortSignal): void | Promise<void>;
}

export interface ScheduledTaskInfo {
  id: string;
  scope: 'global' | 'local';
  frequency: TaskFrequency;
  lastRunAt?: string;
  lastRunError?: string;
  nextRunAt?: string;
}

/** Runs recurring work. Tasks stop on shutdown. */
export interface SchedulerService {
  scheduleTask(task: TaskDefinition): Promise<void>;
  /** Runs the task now (on this instance), unless it is already running. */
  triggerTask(id: string): Promise<void>;
  getScheduledTasks(): Promise<ScheduledTaskInfo[]>;
}
