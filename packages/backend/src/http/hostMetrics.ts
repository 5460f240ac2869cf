import { Counter, Histogram, Registry, register, type Metric } from 'prom-client';

/**
 * Metrics of the host's own services (the scheduler), kept in prom-client's process-wide registry, which
 * `/metrics` serves together with the HTTP server's own. Plugins publish their gauges there too (the scorecards
 * evaluation queue, the scaffolder's task queue): `new Gauge({ name: 'portico_<plugin>_...', collect() {...} })`,
 * registered once per process (`register.getSingleMetric(name) ?? new Gauge(...)`).
 */
function single<T extends Metric>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}

/** How a scheduled task's run ended. */
export type TaskRunOutcome = 'succeeded' | 'failed' | 'timed_out' | 'aborted';

/** Counts one run of a scheduled task and times it, by plugin, task and outcome. */
export function recordTaskRun(pluginId: string, taskId: string, outcome: TaskRunOutcome, seconds: number): void {
  try {
    countTaskRun(pluginId, taskId, outcome, seconds);
  } catch {
    // A metric is never worth failing a task's bookkeeping over.
  }
}

function countTaskRun(pluginId: string, taskId: string, outcome: TaskRunOutcome, seconds: number): void {
  const labelNames = ['plugin', 'task', 'outcome'] as const;
  const runs = single(
    'portico_scheduler_task_runs_total',
    () => new Counter({ name: 'portico_scheduler_task_runs_total', help: 'Runs of scheduled tasks on this instance, by plugin, task and outcome', labelNames }),
  );
  const duration = single(
    'portico_scheduler_task_run_duration_seconds',
    () =>
      new Histogram({
        name: 'portico_scheduler_task_run_duration_seconds',
        help: 'Duration of scheduled task runs on this instance, by plugin, task and outcome',
        labelNames,
        buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
      }),
  );
  // Null-prototype labels: prom-client checks labels with for...in (see createHttpMetricsMiddleware).
  const labels = Object.assign(Object.create(null) as Record<string, string>, { plugin: pluginId, task: taskId, outcome });
  runs.inc(labels);
  duration.observe(labels, seconds);
}

/** The text of `/metrics`: the server's registry (HTTP, process) and the process-wide one (scheduler, plugins). */
export async function metricsText(server: Registry): Promise<string> {
  return Registry.merge([server, register]).metrics();
}
