/**
 * @portico/plugin-insights-node: the `insights.sources` extension point. A source is a module (of the GitHub
 * plugin, the PagerDuty plugin, or your own) that feeds deployments, pull requests and incidents into the
 * insights plugin's store. It never needs the word insights in its own plugin beyond this module.
 */
import { createExtensionPoint } from '@portico/backend-plugin-api';
import type { DeploymentEvent, IncidentEvent, PullRequestEvent, PushResult } from '@portico/plugin-insights-common';

/**
 * Where a source writes. Items are validated like pushed ones (shape, times in range, finished after started) and
 * stored idempotently by (`source`, `id`): writing the same item twice stores it once, a changed item (an incident
 * resolved, a PR merged) replaces the earlier one, and items may arrive late and in any order. Affected metrics
 * are updated within a second. An item naming an entity not in the catalog is refused with an InputError naming
 * the ref, like the push API's 400; a source resolves refs from the catalog first.
 */
export interface InsightsSink {
  addDeployments(items: DeploymentEvent[]): Promise<PushResult>;
  addIncidents(items: IncidentEvent[]): Promise<PushResult>;
  addPullRequests(items: PullRequestEvent[]): Promise<PushResult>;
}

/** A small durable key/value per source, kept in the insights database: where a backfill stopped. */
export interface InsightsCheckpoint {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

/** What a source's backfill run gets. */
export interface InsightsBackfillContext {
  sink: InsightsSink;
  /** The start of the backfill window (now minus `insights.backfillWindow`, default P90D). */
  since: Date;
  /**
   * Progress kept across runs and restarts: a run that fails midway (vendor down, process killed) resumes where it
   * stopped on the next run; since writes are idempotent, nothing is counted twice either way.
   */
  checkpoint: InsightsCheckpoint;
  signal?: AbortSignal;
}

/** A source contributed through `insights.sources`. */
export interface InsightsSource {
  /** e.g. `github`, `pagerduty`: the `source` of the events it writes, and its key in config. */
  id: string;
  /** Reads history since `context.since` (resuming from its checkpoint); run at start-up and on the plugin's schedule. */
  backfill?(context: InsightsBackfillContext): Promise<void>;
  /** Called once after start-up with the sink: subscribe to the events service (webhooks) to keep current. */
  connect?(sink: InsightsSink): Promise<void> | void;
}

/** `insights.sources`: add a source of deployments, pull requests and incidents. */
export interface InsightsSourcesExtensionPoint {
  /** During init only. */
  addSource(source: InsightsSource): void;
}

export const insightsSourcesExtensionPoint = createExtensionPoint<InsightsSourcesExtensionPoint>({ id: 'insights.sources' });

export { RecordingSink, MemoryCheckpoint, recordingInsights } from './testing';
