import type { LoggerService } from '@portico/backend-plugin-api';
import type { EventIngestor } from './ingest/EventIngestor';
import type { MetricsService } from './metrics/MetricsService';

/** How often the sweep runs after the one at start. */
export const MAINTENANCE_INTERVAL_MS = 10 * 60_000;
/** The sweep leaves younger pending changes to the writes that recorded them (their update is normally under way). */
const SWEEP_MIN_AGE_MS = 60_000;

/**
 * What keeps the metrics' derived rows right whatever happened while the plugin was not looking, run in the
 * background at start and then every MAINTENANCE_INTERVAL_MS:
 * 1. the pending changes of writes whose metrics update never completed (the process died between the events write
 *    and the update, or the update failed), from `insights_pending_updates`;
 * 2. the definitions' config (insights.failureWindow, insights.productionEnvironments): when it differs from the one
 *    the derived rows were computed with, every derived row is recomputed (MetricsService.reconcileDefinitions) —
 *    checked until it succeeded once in this process (instances of a rolling deploy running two configs for a while
 *    must not recompute everything back and forth).
 * One run at a time; `stop` (at shutdown) stops a run between chunks and waits for it.
 */
export class InsightsMaintenance {
  private running: Promise<void> | undefined;
  private definitionsDone = false;
  private readonly controller = new AbortController();

  constructor(
    private readonly options: {
      ingestor: Pick<EventIngestor, 'processPending'>;
      metrics: Pick<MetricsService, 'reconcileDefinitions'>;
      logger: LoggerService;
    },
  ) {}

  /**
   * Runs now unless a run is under way (then resolves with that one). `sweep`: leave pending changes younger than a
   * minute (at start every pending change is taken). Never rejects: failures are logged and retried on the next run.
   */
  run(options: { sweep?: boolean } = {}): Promise<void> {
    this.running ??= this.runOnce(options.sweep ?? false).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.running;
  }

  private async runOnce(sweep: boolean): Promise<void> {
    const { ingestor, metrics, logger } = this.options;
    const signal = this.controller.signal;
    if (signal.aborted) return;
    try {
      const taken = await ingestor.processPending({ before: sweep ? Date.now() - SWEEP_MIN_AGE_MS : undefined, signal });
      if (taken > 0) logger.info(`Insights: brought the metrics up to date with ${taken} pending changes of earlier writes (their update had not completed)`);
    } catch (error) {
      logger.error(`Insights: bringing the metrics up to date with pending changes failed; retried in ${MAINTENANCE_INTERVAL_MS / 60_000} minutes: ${(error as Error)?.message ?? error}`);
    }
    if (signal.aborted || this.definitionsDone || !metrics.reconcileDefinitions) return;
    try {
      this.definitionsDone = (await metrics.reconcileDefinitions({ signal })) !== 'aborted';
    } catch (error) {
      logger.error(`Insights: recomputing the derived rows after a config change failed; retried in ${MAINTENANCE_INTERVAL_MS / 60_000} minutes: ${(error as Error)?.message ?? error}`);
    }
  }
}
