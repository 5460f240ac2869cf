import type { LifecycleService, LoggerService, SchedulerService } from '@portico/backend-plugin-api';
import type { InsightsSink, InsightsSource } from '@portico/plugin-insights-node';
import type { CheckpointStore } from '../database/CheckpointStore';

/** The longest a backfill run may take before it is aborted (it resumes from its checkpoint on the next run). */
const MIN_BACKFILL_TIMEOUT_MS = 30 * 60_000;

/** The scheduler task of a source's backfill: `source:<id>:backfill`. */
export const backfillTaskId = (sourceId: string) => `source:${sourceId}:backfill`;

/**
 * Runs each source: its backfill at start-up and then every `backfillSchedule` (one instance of a cluster at a time),
 * reading history since now minus `backfillWindow` from where its checkpoint says it stopped; and `connect(sink)`
 * once the backend has started, for its webhooks.
 */
export async function scheduleSources(options: {
  sources: readonly InsightsSource[];
  sink: InsightsSink;
  checkpoints: CheckpointStore;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
  backfillWindowMs: number;
  backfillScheduleMs: number;
}): Promise<void> {
  const { sink, checkpoints, scheduler, lifecycle, logger } = options;
  for (const source of options.sources) {
    const backfill = source.backfill?.bind(source);
    if (backfill) {
      await scheduler.scheduleTask({
        id: backfillTaskId(source.id),
        frequency: { duration: { milliseconds: options.backfillScheduleMs } },
        timeout: { milliseconds: Math.max(options.backfillScheduleMs, MIN_BACKFILL_TIMEOUT_MS) },
        scope: 'global',
        fn: async signal => {
          const started = Date.now();
          try {
            await backfill({ sink, since: new Date(started - options.backfillWindowMs), checkpoint: checkpoints.forSource(source.id), signal });
            logger.info(`Insights source '${source.id}' backfilled in ${Date.now() - started} ms`);
          } catch (error) {
            logger.warn(`Insights source '${source.id}' stopped during its backfill; the next run resumes from its checkpoint: ${(error as Error)?.message ?? error}`);
            throw error;
          }
        },
      });
    }
    const connect = source.connect?.bind(source);
    if (connect) {
      lifecycle.addStartupHook(
        async () => {
          try {
            await connect(sink);
          } catch (error) {
            // One source failing to subscribe must not stop the others or the backend: its backfill still runs.
            logger.error(`Insights source '${source.id}' could not connect: ${(error as Error)?.message ?? error}`);
          }
        },
        { label: `insights source ${source.id}` },
      );
    }
  }
}
