/**
 * Test helpers for authors of insights sources: a sink that records what a source writes (checked against the push
 * API's schemas, idempotent by source and id like the real store), a checkpoint in memory, and a stand-in insights
 * plugin that owns `insights.sources`, so a source's module can be started without the insights backend.
 */
import { createBackendPlugin } from '@portico/backend-plugin-api';
import { InputError } from '@portico/errors';
import {
  deploymentEventSchema,
  incidentEventSchema,
  pullRequestEventSchema,
  type DeploymentEvent,
  type IncidentEvent,
  type PullRequestEvent,
  type PushResult,
} from '@portico/plugin-insights-common';
import { insightsSourcesExtensionPoint, type InsightsCheckpoint, type InsightsSink, type InsightsSource } from './index';
import type { z } from 'zod';

type Stored = { deployments: DeploymentEvent; incidents: IncidentEvent; pullRequests: PullRequestEvent };

/**
 * An `InsightsSink` that keeps what it is given, by (`source`, `id`) like the real store: an identical write is a
 * duplicate, a changed one replaces. Items are checked against the push API's schemas, an invalid one refused.
 */
export class RecordingSink implements InsightsSink {
  readonly stored = { deployments: new Map<string, DeploymentEvent>(), incidents: new Map<string, IncidentEvent>(), pullRequests: new Map<string, PullRequestEvent>() };
  /** Every write, in order: which kind, which id, and whether it was a duplicate. */
  readonly writes: Array<{ kind: keyof Stored; id: string; duplicate: boolean }> = [];

  addDeployments(items: DeploymentEvent[]): Promise<PushResult> {
    return this.add('deployments', deploymentEventSchema, items);
  }

  addIncidents(items: IncidentEvent[]): Promise<PushResult> {
    return this.add('incidents', incidentEventSchema, items);
  }

  addPullRequests(items: PullRequestEvent[]): Promise<PushResult> {
    return this.add('pullRequests', pullRequestEventSchema, items);
  }

  deployments(): DeploymentEvent[] {
    return [...this.stored.deployments.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  pullRequests(): PullRequestEvent[] {
    return [...this.stored.pullRequests.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  /** The incidents stored, by id. */
  incidentsById(): Record<string, IncidentEvent> {
    return Object.fromEntries([...this.stored.incidents.values()].map(i => [i.id, i]));
  }

  private async add<K extends keyof Stored>(kind: K, schema: z.ZodType<Stored[K]>, items: Array<Stored[K]>): Promise<PushResult> {
    items.forEach((item, index) => {
      const parsed = schema.safeParse(item);
      if (!parsed.success) throw new InputError(`${kind}[${index}].${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`);
    });
    const store = this.stored[kind] as Map<string, Stored[K]>;
    let duplicates = 0;
    for (const item of items) {
      const key = `${item.source}:${item.id}`;
      const duplicate = JSON.stringify(store.get(key)) === JSON.stringify(item);
      if (duplicate) duplicates++;
      store.set(key, item);
      this.writes.push({ kind, id: item.id, duplicate });
    }
    return { accepted: items.length - duplicates, duplicates };
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
