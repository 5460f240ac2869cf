import type {
  InsightsBreakdownResponse,
  InsightsComparisonResponse,
  InsightsEventsResponse,
  InsightsInterval,
  InsightsMetricId,
  InsightsMetricsResponse,
  InsightsScope,
} from '@portico/plugin-insights-common';

/** What a written batch touched: the sink reports it so rollups of those entities and times are brought up to date. */
export interface EventsWritten {
  entityRef: string;
  type: 'deployment' | 'pullRequest' | 'incident';
  /** Epoch ms: the earliest and latest event time written (old values included when an item was replaced). */
  from: number;
  to: number;
}

/**
 * What `reconcileDefinitions` did: nothing (the stored config is the current one), stored the config (no rows computed
 * with another), rebuilt the derived rows, or stopped midway (shutdown).
 */
export type DefinitionsReconciled = 'unchanged' | 'recorded' | 'rebuilt' | 'aborted';

/** A period: [from, to) in epoch ms. */
export interface Period {
  from: number;
  to: number;
}

/**
 * The metrics over the events store (src/metrics). The routes (src/router.ts) parse and authorize requests and call
 * these; the sink calls `eventsWritten` after each write. Scopes are resolved through the catalog (a group's owned
 * entities, with sub-teams when asked; a system's or domain's). `credentials` are the caller's, passed on to the
 * catalog so a user sees metrics only of the entities they may read.
 */
export interface MetricsService {
  metrics(request: { scope: InsightsScope; period: Period; interval: InsightsInterval; metrics?: InsightsMetricId[]; token?: string }): Promise<InsightsMetricsResponse>;
  breakdown(request: { scope: InsightsScope; period: Period; token?: string }): Promise<InsightsBreakdownResponse>;
  compare(request: { metric: InsightsMetricId; period: Period; groups?: string[]; subTeams?: boolean; token?: string }): Promise<InsightsComparisonResponse>;
  events(request: { scope: InsightsScope; metric: InsightsMetricId; period: Period; cursor?: string; limit?: number; token?: string }): Promise<InsightsEventsResponse>;
  /** The 30-day values as scorecard facts (INSIGHTS_FACTS names), per entity; a fact without enough data is absent. */
  facts(entityRefs: string[], now: Date): Promise<Map<string, Record<string, number>>>;
  eventsWritten(changes: EventsWritten[]): Promise<void>;
  /**
   * Recomputes the derived tables of the entities (all when none named) from the events tables: after rows were
   * written without `eventsWritten` (a bulk load, a retention sweep that deleted events).
   */
  rebuildRollups?(entityRefs?: string[]): Promise<void>;
  /**
   * At start: when the definitions' config (insights.failureWindow, insights.productionEnvironments) differs from the
   * one the derived rows were computed with (stored in `insights_state`), or none is stored but rows exist, rebuilds
   * every derived row and then stores the new one. Reads answer from the rows as they are until then. Stops between
   * chunks of entities once `signal` is aborted (the next start rebuilds again).
   */
  reconcileDefinitions?(options?: { signal?: AbortSignal }): Promise<DefinitionsReconciled>;
  /** After the retention clean-up deleted events older than `cutoff` (epoch ms): drops the derived rows of those events. */
  retentionApplied?(cutoff: number): Promise<void>;
}
