import { createBackendPlugin } from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';
import { incidentEventSchema, type IncidentEvent, type PushResult } from '@portico/plugin-insights-common';
import { insightsSourcesExtensionPoint, type InsightsCheckpoint, type InsightsSink, type InsightsSource } from '@portico/plugin-insights-node';

/**
 * An `InsightsSink` that keeps the incidents it is given by (`source`, `id`) like the real store: an identical write
 * is a duplicate, a changed one replaces. Items are checked against the push API's schema, an invalid one refused.
 */
export class RecordingSink implements InsightsSink {
  readonly incidents = new Map<string, IncidentEvent>();
  /** Every incident write, in order, and whether it was a duplicate. */
  readonly writes: Array<{ id: string; duplicate: boolean }> = [];

  async addIncidents(items: IncidentEvent[]): Promise<PushResult> {
    items.forEach((item, index) => {
      const parsed = incidentEventSchema.safeParse(item);
      if (!parsed.success) throw new InputError(`incidents[${index}].${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    });
    let duplicates = 0;
    for (const item of items) {
      const key = `${item.source}:${item.id}`;
      const duplicate = JSON.stringify(this.incidents.get(key)) === JSON.stringify(item);
      if (duplicate) duplicates++;
      this.incidents.set(key, item);
      this.writes.push({ id: item.id, duplicate });
    }
    return { accepted: items.length - duplicates, duplicates };
  }

  async addDeployments(): Promise<PushResult> {
    throw new Error('the PagerDuty source writes no deployments');
  }

  async addPullRequests(): Promise<PushResult> {
    throw new Error('the PagerDuty source writes no pull requests');
  }

  /** The incidents stored, by id. */
  byId(): Record<string, IncidentEvent> {
    return Object.fromEntries([...this.incidents.values()].map(i => [i.id, i]));
  }
}

/** An `InsightsCheckpoint` in memory. */
export class MemoryCheckpoint implements InsightsCheckpoint {
  readonly values = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }
}

/**
 * A stand-in `insights` plugin owning `insights.sources`: it keeps the sources contributed and connects each to a
 * RecordingSink at start, so a test can run their backfills by hand and watch their writes.
 */
export function recordingInsights(): { plugin: ReturnType<typeof createBackendPlugin>; sources: InsightsSource[]; sink: RecordingSink } {
  const sources: InsightsSource[] = [];
  const sink = new RecordingSink();
  const plugin = createBackendPlugin({
    pluginId: 'insights',
    register(env) {
      env.registerExtensionPoint(insightsSourcesExtensionPoint, { addSource: source => void sources.push(source) });
      env.registerInit({
        deps: {},
        async init() {
          for (const source of sources) await source.connect?.(sink);
        },
      });
    },
  });
  return { plugin, sources, sink };
}
