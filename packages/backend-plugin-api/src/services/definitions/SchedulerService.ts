import type { Duration } from '../../durations/durations';

/** How often a task runs: a cron expression, or a duration such as `PT5M` or `{ minutes: 5 }`. */
export type TaskFrequency = { cron: string } | { duration: Duration } | { trigger: 'manual' };

export interface TaskDefinition {
  /** Unique within the plugin. */
  id: string;
  frequency: TaskFrequency;
  /** Duration (`PT10M` or `{ minutes: 10 }`) after which the run is aborted. */
  timeout: Duration;
  /** Duration to wait before the first run. Default: none. */
  initialDelay?: Duration;
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
