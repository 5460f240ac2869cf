import type { LoggerService } from '@portico/backend-plugin-api';
import { MAX_PUSH_BATCH, type PushResult } from '@portico/plugin-insights-common';
import type { InsightsSink } from '@portico/plugin-insights-node';
import type { EventStore } from '../database/EventStore';
import type { MetricsService } from '../metrics/MetricsService';
import { EVENT_TYPE, validateEvents, type EventKind, type MissingEntities } from './validate';

/**
 * The one way events enter the store, for the push routes and for sources (the sink): validate the batch, upsert it,
 * then tell the metrics which entities and times changed.
 */
export class EventIngestor {
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
    if (written.changes.length > 0) {
      try {
        await this.options.metrics?.eventsWritten(written.changes);
      } catch (error) {
        // The events are stored; the rollups of these entities catch up on their next recomputation.
        this.options.logger.error(`Updating the metrics of ${written.changes.length} entities after a write failed: ${(error as Error)?.message ?? error}`);
      }
    }
    return { accepted: written.accepted, duplicates: written.duplicates + repeated };
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
