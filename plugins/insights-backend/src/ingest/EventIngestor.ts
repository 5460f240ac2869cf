import type { LoggerService } from '@portico/backend-plugin-api';
import { MAX_PUSH_BATCH, type PushResult } from '@portico/plugin-insights-common';
import type { InsightsSink } from '@portico/plugin-insights-node';
import type { EventStore, WriteResult } from '../database/EventStore';
import type { MetricsService } from '../metrics/MetricsService';
import { EVENT_TYPE, validateEvents, type EventKind, type MissingEntities } from './validate';

/** Pending changes taken per rollup update when catching up (merged per entity by the rollups). */
const PENDING_PAGE = 1000;

/**
 * The one way events enter the store, for the push routes and for sources (the sink): validate the batch, upsert it,
 * then tell the metrics which entities and times changed.
 *
 * The store records each write's changes as pending (`insights_pending_updates`) in the write's own transaction, and
 * they are cleared once the metrics took them. So an update that failed (a database hiccup) or never ran (the process
 * died in between) is not lost — a re-send would be a duplicate and change nothing — but left for `processPending`:
 * at start, after the next write that follows a failure, and on the plugin's periodic sweep.
 */
export class EventIngestor {
  /** A metrics update failed: the next write processes every pending change, not only its own. */
  private retry = false;

  constructor(
    private readonly options: {
      store: EventStore;
      missingEntities: MissingEntities;
      /** Told which entities and times each write changed, to bring their rollups up to date. */
      metrics?: Pick<MetricsService, 'eventsWritten'>;
      logger: LoggerService;
    },
  ) {}

  async ingest(kind: EventKind, items: readonly unknown[], offset = 0): Promise<PushResult> {
    const { rows, repeated } = await validateEvents(kind, items, { missingEntities: this.options.missingEntities, offset });
    const written = await this.options.store.write(EVENT_TYPE[kind], rows);
    await this.updateMetrics(written);
    return { accepted: written.accepted, duplicates: written.duplicates + repeated };
  }

  /**
   * Tells the metrics what a write changed, then clears the write's pending changes. The events are stored either
   * way: when the metrics fail, the changes stay pending and are taken with the next write (or the sweep, or the next
   * start).
   */
  private async updateMetrics(written: WriteResult): Promise<void> {
    const { metrics, store, logger } = this.options;
    if (!metrics) return;
    if (this.retry) {
      // Takes this write's changes too (they are pending like the others).
      this.retry = false;
      try {
        await this.processPending();
      } catch (error) {
        this.retry = true;
        logger.error(`Updating the insights metrics of pending writes failed again; retried with the next write: ${(error as Error)?.message ?? error}`);
      }
      return;
    }
    if (written.changes.length === 0) return;
    try {
      await metrics.eventsWritten(written.changes);
    } catch (error) {
      this.retry = true;
      logger.error(
        `Updating the insights metrics of ${new Set(written.changes.map(c => c.entityRef)).size} entities after a write failed; retried with the next write: ${(error as Error)?.message ?? error}`,
      );
      return;
    }
    if (written.pending) {
      // Left pending, the next sweep would only update them once more.
      await store.clearPending([written.pending]).catch((error: unknown) => logger.warn(`Clearing the pending insights metrics update of a write failed: ${(error as Error)?.message ?? error}`));
    }
  }

  /**
   * Brings the metrics up to date with every pending change (recorded before `before`, epoch ms, when given), oldest
   * first, PENDING_PAGE at a time, clearing each page once the metrics took it. Resolves how many it took; a failure
   * leaves the rest pending and rejects.
   */
  async processPending(options: { before?: number; signal?: AbortSignal } = {}): Promise<number> {
    const { metrics, store } = this.options;
    if (!metrics) return 0;
    const before = options.before ?? Date.now() + 1;
    let taken = 0;
    for (;;) {
      if (options.signal?.aborted) return taken;
      const page = await store.readPending({ limit: PENDING_PAGE, before });
      if (page.length === 0) return taken;
      await metrics.eventsWritten(page.map(({ entityRef, type, from, to }) => ({ entityRef, type, from, to })));
      await store.clearPending(page.map(({ batch, entityRef }) => ({ batch, entityRef })));
      taken += page.length;
      if (page.length < PENDING_PAGE) return taken;
    }
  }

  /**
   * The sink handed to sources: the same checks and counts as the push API, in pages of MAX_PUSH_BATCH (a page
   * refused leaves the earlier pages stored; writes are idempotent, so the source simply sends again).
   */
  sink(): InsightsSink {
    const paged = async (kind: EventKind, items: readonly unknown[]): Promise<PushResult> => {
      const total = { accepted: 0, duplicates: 0 };
      for (let i = 0; i < items.length; i += MAX_PUSH_BATCH) {
        const result = await this.ingest(kind, items.slice(i, i + MAX_PUSH_BATCH), i);
        total.accepted += result.accepted;
        total.duplicates += result.duplicates;
      }
      return total;
    };
    return {
      addDeployments: items => paged('deployments', items),
      addIncidents: items => paged('incidents', items),
      addPullRequests: items => paged('pullRequests', items),
    };
  }
}
