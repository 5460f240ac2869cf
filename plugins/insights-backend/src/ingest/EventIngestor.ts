import type { LoggerService } from '@portico/backend-plugin-api';
import { MAX_PUSH_BATCH, type PushResult } from '@portico/plugin-insights-common';
import type { InsightsSink } from '@portico/plugin-insights-node';
import type { EventStore } from '../database/EventStore';
import type { EventsWritten, MetricsService } from '../metrics/MetricsService';
import { EVENT_TYPE, validateEvents, type EventKind, type MissingEntities } from './validate';

/** The most changes kept for a retry (a long outage of the metrics loses the oldest, and says so in the log). */
const MAX_PENDING_CHANGES = 10_000;

/**
 * The one way events enter the store, for the push routes and for sources (the sink): validate the batch, upsert it,
 * then tell the metrics which entities and times changed.
 */
export class EventIngestor {
  /** Changes the metrics have not taken yet (their update failed). */
  private pending: EventsWritten[] = [];

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
    await this.updateMetrics(written.changes);
    return { accepted: written.accepted, duplicates: written.duplicates + repeated };
  }

  /**
   * Tells the metrics what a write changed. The events are stored either way: when the metrics fail (a database
   * hiccup), the changes are kept and sent again with the next write's, so a re-send (a duplicate, which changes
   * nothing) is not needed to bring them up to date.
   */
  private async updateMetrics(changes: EventsWritten[]): Promise<void> {
    const metrics = this.options.metrics;
    if (!metrics) return;
    const all = [...this.pending, ...changes];
    if (all.length === 0) return;
    // Taken now, so a concurrent write neither sends them twice nor clears them while this one fails.
    this.pending = [];
    try {
      await metrics.eventsWritten(all);
    } catch (error) {
      this.pending = [...all, ...this.pending].slice(-MAX_PENDING_CHANGES);
      this.options.logger.error(
        `Updating the insights metrics of ${new Set(all.map(c => c.entityRef)).size} entities after a write failed; retried with the next write: ${(error as Error)?.message ?? error}`,
      );
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
