import { Gauge, register } from 'prom-client';
import type { TaskStore } from '../database/TaskStore';

const METRIC = 'portico_scaffolder_tasks';
/** The statuses of tasks not finished: waiting for a worker, running, waiting for a person. */
export const QUEUE_STATUSES = ['open', 'processing', 'waiting'] as const;
const stores = new Set<TaskStore>();

/**
 * Shows the scaffolder's task queue on `/metrics`: `portico_scaffolder_tasks{status="open"}` is the runs no
 * worker has claimed yet (the queue), `processing` the runs in progress, `waiting` those waiting for a person.
 * Counted in the database at each scrape, so every instance reports the same numbers. Returns the unpublish.
 */
export function publishTaskQueue(store: TaskStore): () => void {
  stores.add(store);
  if (!register.getSingleMetric(METRIC)) {
    new Gauge({
      name: METRIC,
      help: 'Scaffolder runs not finished, in the whole database, by status (open: queued, processing, waiting: for a person)',
      labelNames: ['status'],
      async collect() {
        const totals = new Map<string, number>();
        for (const s of stores) {
          try {
            for (const [status, count] of await s.countUnfinished()) totals.set(status, (totals.get(status) ?? 0) + count);
          } catch {
            // The database is unreachable: no sample rather than a failed scrape (/readyz reports the database).
            this.reset();
            return;
          }
        }
        for (const status of QUEUE_STATUSES) this.set({ status }, totals.get(status) ?? 0);
      },
    });
  }
  return () => {
    stores.delete(store);
  };
}
